import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { DEFAULT_QUERY, RsCertsQuery } from '../types';
import { fakeDataSource } from '../test/datasource';
import { fakeTemplateSrv } from '../test/templateSrv';
import { AnnotationQueryEditor, QueryEditor } from './QueryEditor';

const templateSrv = fakeTemplateSrv([{ name: 'cluster', current: { value: ['prod-eu'] }, options: ['prod-eu'] }]);

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => templateSrv,
}));

function setup(query: Partial<RsCertsQuery> = {}) {
  const { ds, getResource } = fakeDataSource({
    clusters: ['prod-eu', 'prod-us'],
    nodes: ['node-1', 'node-2'],
    certificates: ['proxy', 'api'],
  });
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const props = { datasource: ds, query: { ...DEFAULT_QUERY, refId: 'A', ...query }, onChange, onRunQuery };
  const view = render(<QueryEditor {...props} />);
  return { ...view, props, onChange, onRunQuery, getResource };
}

const picker = (id: string) => within(screen.getByTestId(id)).getByRole('combobox');

/** Opens a combobox menu; its options load after a 200 ms debounce. */
async function openMenu(id: string) {
  await act(async () => {
    fireEvent.click(picker(id));
  });
}

describe('QueryEditor', () => {
  it('shows every choice with the help of the selected one', () => {
    setup();
    expect(screen.getByRole('radio', { name: 'Certificates' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Node' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'All' })).toBeChecked();
    expect(screen.getByRole('radio', { name: 'Default' })).toBeChecked();
    expect(
      screen.getByText('One table: every certificate with days remaining, expiry date and status.')
    ).toBeInTheDocument();
    expect(screen.getByText('One result per cluster, node and certificate.')).toBeInTheDocument();
    // renewals is not served by the backend yet, so it is not offered
    expect(screen.queryByRole('radio', { name: /renewal/i })).not.toBeInTheDocument();
  });

  it.each([
    ['Days remaining', { queryType: 'days' }],
    ['Time series', { queryType: 'timeseries' }],
    ['Cluster', { groupBy: 'cluster' }],
    ['Auto-rotated', { category: 'auto-rotated' }],
    ['v2', { metricVersion: 'v2' }],
  ])('emits the query JSON and runs it when %s is chosen', (label, patch) => {
    const { onChange, onRunQuery } = setup();
    fireEvent.click(screen.getByRole('radio', { name: label }));
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_QUERY, refId: 'A', ...patch });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('requests nodes for the chosen clusters, variables expanded', async () => {
    const { getResource } = setup({ clusters: ['$cluster', 'prod-us'] });
    await openMenu('rscerts-nodes');
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('nodes', { cluster: ['prod-eu', 'prod-us'] }));
  });

  it('requests certificates for the chosen clusters', async () => {
    const { getResource } = setup({ clusters: ['prod-us'] });
    await openMenu('rscerts-certificates');
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('certificates', { cluster: ['prod-us'] }));
  });

  it('offers backend values and dashboard variables, and emits the picked one', async () => {
    const { onChange, onRunQuery, getResource } = setup({ clusters: ['prod-us'] });
    await openMenu('rscerts-clusters');
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('clusters', undefined));
    expect(await screen.findByRole('option', { name: /^\$cluster/ })).toBeInTheDocument();
    fireEvent.click(await screen.findByRole('option', { name: 'prod-eu' }));
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_QUERY, refId: 'A', clusters: ['prod-us', 'prod-eu'] });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('accepts a typed value the backend did not report', async () => {
    const { onChange } = setup();
    await openMenu('rscerts-certificates');
    fireEvent.change(picker('rscerts-certificates'), { target: { value: 'syncer' } });
    fireEvent.click(await screen.findByRole('option', { name: /syncer/ }));
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_QUERY, refId: 'A', certificates: ['syncer'] });
  });

  it('filters by status on tables and alert values, and emits the picked status', async () => {
    const { onChange } = setup({ queryType: 'days' });
    await openMenu('rscerts-statuses');
    fireEvent.click(await screen.findByRole('option', { name: /Missing/ }));
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_QUERY, refId: 'A', queryType: 'days', statuses: ['missing'] });
  });

  it('offers no status filter on time series, and drops it when switching to one', () => {
    const { onChange } = setup({ queryType: 'certificates', statuses: ['expired'] });
    expect(screen.getByTestId('rscerts-statuses')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('radio', { name: 'Time series' }));
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_QUERY, refId: 'A', queryType: 'timeseries' });
  });

  it('warns about a status the backend does not know', () => {
    setup({ statuses: ['gone'] as unknown as RsCertsQuery['statuses'] });
    expect(screen.getByText('Unsupported query')).toBeInTheDocument();
  });

  it('warns about a value this version cannot send', () => {
    setup({ queryType: 'renewals' as RsCertsQuery['queryType'] });
    expect(screen.getByText('Unsupported query')).toBeInTheDocument();
  });
});

describe('AnnotationQueryEditor', () => {
  it('offers only query types whose frames become events', () => {
    const { ds } = fakeDataSource();
    render(
      <AnnotationQueryEditor
        datasource={ds}
        query={{ ...DEFAULT_QUERY, refId: 'Anno' }}
        onChange={jest.fn()}
        onRunQuery={jest.fn()}
      />
    );
    expect(screen.getByRole('radio', { name: 'Certificates' })).toBeChecked();
    expect(screen.queryByRole('radio', { name: 'Days remaining' })).not.toBeInTheDocument();
    expect(screen.queryByRole('radio', { name: 'Time series' })).not.toBeInTheDocument();
  });
});
