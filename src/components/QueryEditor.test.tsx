import React, { useState } from 'react';
import { AnnotationQuery } from '@grafana/data';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { annotationSupport } from '../annotations';
import type { DataSource } from '../datasource';
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

/** Picks options of a multi-select, by their labels (a description may follow one); the menu stays open. */
async function pick(id: string, ...labels: Array<string | RegExp>) {
  await openMenu(id);
  for (const name of labels) {
    fireEvent.click(await screen.findByRole('option', { name }));
  }
}

/** Grafana's query row: it keeps what the editor reports and saves the last of it. */
function Row({
  ds,
  initial,
  onChange,
}: {
  ds: DataSource;
  initial: RsCertsQuery;
  onChange: (q: RsCertsQuery) => void;
}) {
  const [query, setQuery] = useState(initial);
  return (
    <QueryEditor
      datasource={ds}
      query={query}
      onChange={(next) => {
        onChange(next);
        setQuery(next);
      }}
      onRunQuery={() => {}}
    />
  );
}

/** Five menus with a 200 ms debounce each: slow on a loaded CI machine, so longer than testTimeout. */
const EVERY_FIELD_TIMEOUT = 90_000;

/** What editEveryField sets, for queries and annotations alike. */
const EDITED = {
  groupBy: 'certificate',
  clusters: ['prod-us', '$cluster'],
  nodes: ['node-2'],
  certificates: ['syncer'],
  category: 'user-managed',
  statuses: ['missing', 'critical'],
  metricVersion: 'v1',
};

/** Edits every field of the editor on screen; the picks are the same for queries and annotations. */
async function editEveryField() {
  fireEvent.click(screen.getByRole('radio', { name: 'Certificate' }));
  await pick('rscerts-clusters', 'prod-us', /^\$cluster/);
  await pick('rscerts-nodes', 'node-2');
  await openMenu('rscerts-certificates');
  fireEvent.change(picker('rscerts-certificates'), { target: { value: 'syncer' } });
  fireEvent.click(await screen.findByRole('option', { name: /syncer/ }));
  fireEvent.click(screen.getByRole('radio', { name: 'User-managed' }));
  await pick('rscerts-statuses', /^Missing/, /^Critical/);
  fireEvent.click(screen.getByRole('radio', { name: 'v1' }));
}

describe('QueryEditor', () => {
  it(
    'saves every field as edited, and the backend receives exactly that, variables expanded',
    async () => {
      const { ds } = fakeDataSource({ clusters: ['prod-eu', 'prod-us'], nodes: ['node-1', 'node-2'] });
      const onChange = jest.fn();
      render(<Row ds={ds} initial={{ ...DEFAULT_QUERY, refId: 'A' }} onChange={onChange} />);
      fireEvent.click(screen.getByRole('radio', { name: 'Days remaining' }));
      await editEveryField();

      const saved: RsCertsQuery = onChange.mock.calls.at(-1)[0];
      expect(saved).toEqual({ refId: 'A', queryType: 'days', ...EDITED });
      expect(ds.filterQuery(saved)).toBe(true);
      expect(ds.applyTemplateVariables(saved, {})).toEqual({ ...saved, clusters: ['prod-us', 'prod-eu'] });
    },
    EVERY_FIELD_TIMEOUT
  );

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
  it(
    'saves every field into the annotation, and its query is exactly that',
    async () => {
      const { ds } = fakeDataSource({ clusters: ['prod-eu', 'prod-us'], nodes: ['node-1', 'node-2'] });
      const Editor = annotationSupport.QueryEditor!;
      // As Grafana's annotation settings do: prepare the saved JSON, edit its target, keep the result.
      let annotation = annotationSupport.prepareAnnotation!({ name: 'Expiries', enable: true, iconColor: 'red' });
      function Settings() {
        const [anno, setAnno] = useState<AnnotationQuery<RsCertsQuery>>(annotation);
        return (
          <Editor
            datasource={ds}
            query={anno.target!}
            onChange={(target) => {
              annotation = { ...anno, target };
              setAnno(annotation);
            }}
            onRunQuery={() => {}}
          />
        );
      }
      render(<Settings />);
      expect(screen.getByRole('radio', { name: 'Certificates' })).toBeChecked();
      await editEveryField();

      const target = { ...DEFAULT_QUERY, refId: 'Anno', ...EDITED };
      expect(annotation).toEqual({ name: 'Expiries', enable: true, iconColor: 'red', target });
      expect(annotationSupport.prepareQuery!(annotation)).toEqual(target);
      expect(ds.applyTemplateVariables(target as RsCertsQuery, {})).toEqual({
        ...target,
        clusters: ['prod-us', 'prod-eu'],
      });
    },
    EVERY_FIELD_TIMEOUT
  );

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
