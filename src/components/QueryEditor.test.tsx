import React, { useState } from 'react';
import { AnnotationQuery } from '@grafana/data';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { annotationSupport } from '../annotations';
import type { DataSource } from '../datasource';
import { DEFAULT_QUERY, RsCertsQuery } from '../types';
import { fakeDataSource } from '../test/datasource';
import { fakeTemplateSrv } from '../test/templateSrv';
import { AnnotationQueryEditor, LIMIT_TOOLTIP, QueryEditor } from './QueryEditor';

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

/** What editRenewalFields sets: every field a renewals query has (groupBy is always node). */
const RENEWAL_EDITED = {
  groupBy: 'node',
  clusters: ['prod-us', '$cluster'],
  nodes: ['node-2'],
  certificates: ['syncer'],
  category: 'auto-rotated',
  metricVersion: 'v2',
};

/** Edits every field a renewals query shows. */
async function editRenewalFields() {
  await pick('rscerts-clusters', 'prod-us', /^\$cluster/);
  await pick('rscerts-nodes', 'node-2');
  await openMenu('rscerts-certificates');
  fireEvent.change(picker('rscerts-certificates'), { target: { value: 'syncer' } });
  fireEvent.click(await screen.findByRole('option', { name: /syncer/ }));
  fireEvent.click(screen.getByRole('radio', { name: 'Auto-rotated' }));
  fireEvent.click(screen.getByRole('radio', { name: 'v2' }));
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
      fireEvent.click(
        within(screen.getByRole('radiogroup', { name: 'Value' })).getByRole('radio', { name: 'Days behind' })
      );

      const saved: RsCertsQuery = onChange.mock.calls.at(-1)[0];
      expect(saved).toEqual({ refId: 'A', queryType: 'days', ...EDITED, value: 'behind' });
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
    expect(screen.getByRole('radiogroup', { name: 'Query type' })).toHaveTextContent(
      /^Certificates\s*Days remaining\s*Time series\s*Renewals$/
    );
    // a value is a days query's choice only
    expect(screen.queryByRole('radiogroup', { name: 'Value' })).not.toBeInTheDocument();
  });

  it.each([
    ['Days remaining', { queryType: 'days' }],
    ['Time series', { queryType: 'timeseries' }],
    ['Cluster', { groupBy: 'cluster' }],
    ['Auto-rotated', { category: 'auto-rotated' }],
    ['v2', { metricVersion: 'v2' }],
    ['Renewals', { queryType: 'renewals' }],
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
    setup({ queryType: 'forecast' as RsCertsQuery['queryType'] });
    expect(screen.getByText('Unsupported query')).toBeInTheDocument();
  });

  it('warns about a days value the backend does not know', () => {
    setup({ queryType: 'days', value: 'ahead' as RsCertsQuery['value'] });
    expect(screen.getByText('Unsupported query')).toBeInTheDocument();
  });

  it('offers the rotation-overdue status, and emits it', async () => {
    const { onChange } = setup({ queryType: 'certificates' });
    await openMenu('rscerts-statuses');
    fireEvent.click(await screen.findByRole('option', { name: /^Rotation overdue/ }));
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_QUERY, refId: 'A', statuses: ['rotation-overdue'] });
  });
});

describe('QueryEditor on days queries: the value', () => {
  const valueGroup = () => screen.getByRole('radiogroup', { name: 'Value' });

  it('shows days remaining for a days query saved without a value, and saves none until one is picked', () => {
    const { ds } = fakeDataSource();
    const onChange = jest.fn();
    render(<Row ds={ds} initial={{ ...DEFAULT_QUERY, refId: 'A' }} onChange={onChange} />);
    fireEvent.click(screen.getByRole('radio', { name: 'Days remaining' }));
    expect(within(valueGroup()).getByRole('radio', { name: 'Days remaining' })).toBeChecked();
    expect(screen.getByText('Days until the certificate expires.')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('radio', { name: 'Cluster' }));
    // what Grafana saves: no value, so the query looks as it did before values existed
    expect(onChange.mock.calls.at(-1)[0]).toStrictEqual({
      ...DEFAULT_QUERY,
      refId: 'A',
      queryType: 'days',
      groupBy: 'cluster',
    });
  });

  it.each([
    ['Days behind', 'behind', /newest copy of the same certificate in its cluster/],
    ['Expires at', 'expires', /expiry time \(Unix milliseconds\)/],
    ['Days remaining', 'remaining', /^Days until the certificate expires\.$/],
  ])('emits value %s and runs it', (label, value, help) => {
    const { onChange, onRunQuery } = setup({ queryType: 'days', value: value === 'remaining' ? 'expires' : undefined });
    fireEvent.click(within(valueGroup()).getByRole('radio', { name: label }));
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_QUERY, refId: 'A', queryType: 'days', value });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
    cleanup();
    setup({ queryType: 'days', value: value as RsCertsQuery['value'] });
    expect(within(valueGroup()).getByRole('radio', { name: label })).toBeChecked();
    expect(screen.getByText(help)).toBeInTheDocument();
  });

  it.each([
    ['Certificates', 'certificates'],
    ['Time series', 'timeseries'],
    ['Renewals', 'renewals'],
  ])('drops the value when switching to %s, which takes none', (label, queryType) => {
    const { onChange } = setup({ queryType: 'days', value: 'behind' });
    fireEvent.click(screen.getByRole('radio', { name: label }));
    expect(onChange.mock.calls.at(-1)[0]).toStrictEqual({ ...DEFAULT_QUERY, refId: 'A', queryType });
  });
});

describe('QueryEditor on time series: the limit', () => {
  const limitInput = () => screen.getByLabelText('Limit');
  const type = (text: string) => {
    fireEvent.change(limitInput(), { target: { value: text } });
    fireEvent.blur(limitInput());
  };

  it('offers a limit on time series only, empty (every series) by default', () => {
    setup({ queryType: 'timeseries' });
    expect(limitInput()).toHaveValue(null);
    expect(limitInput()).toHaveAttribute('placeholder', 'No limit');
    expect(screen.getByText('Empty = every series.')).toBeInTheDocument();
    expect(LIMIT_TOOLTIP).toBe('Keep only the N series that expire soonest');
    for (const queryType of ['certificates', 'days', 'renewals'] as const) {
      cleanup();
      setup({ queryType });
      expect(screen.queryByLabelText('Limit')).not.toBeInTheDocument();
    }
  });

  it('emits the typed limit when the field loses focus, and runs it', () => {
    const { onChange, onRunQuery } = setup({ queryType: 'timeseries', groupBy: 'node' });
    fireEvent.change(limitInput(), { target: { value: '20' } });
    expect(onChange).not.toHaveBeenCalled(); // not on every keystroke: 2, then 20
    fireEvent.blur(limitInput());
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_QUERY, refId: 'A', queryType: 'timeseries', limit: 20 });
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('emits on Enter', () => {
    const { onChange } = setup({ queryType: 'timeseries' });
    fireEvent.change(limitInput(), { target: { value: '5' } });
    fireEvent.keyDown(limitInput(), { key: 'Enter' });
    expect(onChange).toHaveBeenCalledWith({ ...DEFAULT_QUERY, refId: 'A', queryType: 'timeseries', limit: 5 });
  });

  it('shows a saved limit, and emptying it removes it', () => {
    const { onChange } = setup({ queryType: 'timeseries', limit: 20 });
    expect(limitInput()).toHaveValue(20);
    type('');
    expect(onChange.mock.calls.at(-1)[0]).toStrictEqual({ ...DEFAULT_QUERY, refId: 'A', queryType: 'timeseries' });
  });

  it.each(['-1', '2.5'])('says what is wrong with %p and sends nothing', (text) => {
    const { onChange, onRunQuery } = setup({ queryType: 'timeseries', limit: 20 });
    type(text);
    expect(
      screen.getByText('Enter a whole number of series, 0 or more; empty keeps every series.')
    ).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('drops the limit when switching to a query type that takes none', () => {
    const { onChange } = setup({ queryType: 'timeseries', limit: 20 });
    fireEvent.click(screen.getByRole('radio', { name: 'Certificates' }));
    expect(onChange.mock.calls.at(-1)[0]).toStrictEqual({ ...DEFAULT_QUERY, refId: 'A' });
  });

  it('keeps the limit when the grouping changes', () => {
    const { onChange } = setup({ queryType: 'timeseries', limit: 20 });
    fireEvent.click(screen.getByRole('radio', { name: 'Cluster' }));
    expect(onChange.mock.calls.at(-1)[0]).toStrictEqual({
      ...DEFAULT_QUERY,
      refId: 'A',
      queryType: 'timeseries',
      groupBy: 'cluster',
      limit: 20,
    });
  });

  it('warns about a saved limit the backend would refuse', () => {
    setup({ queryType: 'timeseries', limit: -3 });
    expect(screen.getByText('Unsupported query')).toBeInTheDocument();
  });
});

describe('QueryEditor on renewals', () => {
  it("offers neither group by nor statuses: a renewal is one node's certificate and has no status", () => {
    setup({ queryType: 'renewals' });
    expect(screen.getByRole('radio', { name: 'Renewals' })).toBeChecked();
    expect(screen.getByText(/^Renewal and rotation events over the time range/)).toBeInTheDocument();
    expect(screen.queryByRole('radiogroup', { name: 'Group by' })).not.toBeInTheDocument();
    expect(screen.queryByTestId('rscerts-statuses')).not.toBeInTheDocument();
    expect(screen.queryByRole('radiogroup', { name: 'Value' })).not.toBeInTheDocument();
    for (const id of ['rscerts-clusters', 'rscerts-nodes', 'rscerts-certificates']) {
      expect(screen.getByTestId(id)).toBeInTheDocument();
    }
    expect(screen.getByRole('radiogroup', { name: 'Category' })).toBeInTheDocument();
    expect(screen.getByRole('radiogroup', { name: 'Metric version' })).toBeInTheDocument();
  });

  it('switching to renewals groups by node and drops the statuses, so the backend never answers 400', () => {
    const { ds } = fakeDataSource();
    const { onChange } = setup({ queryType: 'certificates', groupBy: 'cluster', statuses: ['missing'] });
    fireEvent.click(screen.getByRole('radio', { name: 'Renewals' }));
    const saved: RsCertsQuery = onChange.mock.calls.at(-1)[0];
    expect(saved).toStrictEqual({ ...DEFAULT_QUERY, refId: 'A', queryType: 'renewals', groupBy: 'node' });
    expect(ds.filterQuery(saved)).toBe(true);
  });

  it('shows a saved renewals query that still holds a grouping and statuses as what is sent', () => {
    const { onChange } = setup({ queryType: 'renewals', groupBy: 'certificate', statuses: ['expired'] });
    expect(screen.queryByText('Unsupported query')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('radio', { name: 'User-managed' }));
    expect(onChange.mock.calls.at(-1)[0]).toStrictEqual({
      ...DEFAULT_QUERY,
      refId: 'A',
      queryType: 'renewals',
      category: 'user-managed',
    });
  });

  it(
    'saves every field it offers as edited, and the backend receives exactly that, variables expanded',
    async () => {
      const { ds } = fakeDataSource({ clusters: ['prod-eu', 'prod-us'], nodes: ['node-1', 'node-2'] });
      const onChange = jest.fn();
      render(<Row ds={ds} initial={{ ...DEFAULT_QUERY, refId: 'A' }} onChange={onChange} />);
      fireEvent.click(screen.getByRole('radio', { name: 'Renewals' }));
      await editRenewalFields();

      const saved: RsCertsQuery = onChange.mock.calls.at(-1)[0];
      expect(saved).toStrictEqual({ refId: 'A', queryType: 'renewals', ...RENEWAL_EDITED });
      expect(ds.filterQuery(saved)).toBe(true);
      expect(ds.applyTemplateVariables(saved, {})).toEqual({ ...saved, clusters: ['prod-us', 'prod-eu'] });
    },
    EVERY_FIELD_TIMEOUT
  );
});

/**
 * Grafana's annotation settings: the editor gets `{...getDefaultQuery(), ...target}`, and on mount and
 * on every change the annotation goes through prepareAnnotation, whose result is kept when it differs
 * (StandardAnnotationQueryEditor.verifyDataSource).
 */
class AnnotationSettings extends React.Component<
  {
    ds: DataSource;
    initial: AnnotationQuery<RsCertsQuery>;
    onSave: (annotation: AnnotationQuery<RsCertsQuery>) => void;
  },
  { anno: AnnotationQuery<RsCertsQuery> }
> {
  state = { anno: this.props.initial };
  private prepared = 0;

  componentDidMount() {
    this.verify();
  }

  componentDidUpdate(_: unknown, old: { anno: AnnotationQuery<RsCertsQuery> }) {
    if (old.anno !== this.state.anno) {
      this.verify();
    }
  }

  verify() {
    if (++this.prepared > 20) {
      throw new Error('prepareAnnotation keeps changing the annotation: the editor would loop');
    }
    const fixed = annotationSupport.prepareAnnotation!(this.state.anno);
    if (fixed !== this.state.anno) {
      this.save(fixed);
    }
  }

  save(anno: AnnotationQuery<RsCertsQuery>) {
    this.props.onSave(anno);
    this.setState({ anno });
  }

  render() {
    const Editor = annotationSupport.QueryEditor!;
    const { anno } = this.state;
    return (
      <Editor
        datasource={this.props.ds}
        query={{ ...annotationSupport.getDefaultQuery!(), ...(anno.target ?? { refId: 'Anno' }) } as RsCertsQuery}
        onChange={(target) => this.save({ ...anno, target })}
        onRunQuery={() => {}}
      />
    );
  }
}

describe('AnnotationQueryEditor', () => {
  const NEW = { name: 'Renewals', enable: true, iconColor: 'red' };

  function settings(initial: AnnotationQuery<RsCertsQuery> = NEW) {
    const { ds } = fakeDataSource({ clusters: ['prod-eu', 'prod-us'], nodes: ['node-1', 'node-2'] });
    const onSave = jest.fn();
    render(<AnnotationSettings ds={ds} initial={initial} onSave={onSave} />);
    const saved = (): AnnotationQuery<RsCertsQuery> => onSave.mock.calls.at(-1)[0];
    return { ds, onSave, saved };
  }

  it('starts a new annotation on renewals, and saves it once', () => {
    const { onSave, saved } = settings();
    expect(screen.getByRole('radio', { name: 'Renewals' })).toBeChecked();
    expect(
      screen.getByText('One event per renewal or rotation, when the new expiry was first seen.')
    ).toBeInTheDocument();
    expect(onSave).toHaveBeenCalledTimes(1);
    expect(saved()).toEqual({ ...NEW, target: { ...DEFAULT_QUERY, refId: 'Anno', queryType: 'renewals' } });
  });

  it(
    'saves every field of a renewals annotation, and its query is exactly that',
    async () => {
      const { ds, saved } = settings();
      await editRenewalFields();

      const target = { refId: 'Anno', queryType: 'renewals', ...RENEWAL_EDITED };
      expect(saved()).toStrictEqual({ ...NEW, target });
      expect(annotationSupport.prepareQuery!(saved())).toStrictEqual(target);
      expect(ds.applyTemplateVariables(target as RsCertsQuery, {})).toEqual({
        ...target,
        clusters: ['prod-us', 'prod-eu'],
      });
    },
    EVERY_FIELD_TIMEOUT
  );

  it(
    'saves every field of an expiries (certificates) annotation, and its query is exactly that',
    async () => {
      const { ds, saved } = settings();
      fireEvent.click(screen.getByRole('radio', { name: 'Certificates' }));
      expect(screen.getByText('One event per certificate, at its expiry.')).toBeInTheDocument();
      await editEveryField();

      const target = { ...DEFAULT_QUERY, refId: 'Anno', ...EDITED };
      expect(saved()).toEqual({ ...NEW, target });
      expect(annotationSupport.prepareQuery!(saved())).toEqual(target);
      expect(ds.applyTemplateVariables(target as RsCertsQuery, {})).toEqual({
        ...target,
        clusters: ['prod-us', 'prod-eu'],
      });
    },
    EVERY_FIELD_TIMEOUT
  );

  it('keeps a saved expiries annotation as it is', () => {
    const target = { ...DEFAULT_QUERY, refId: 'Anno', clusters: ['prod-eu'] };
    const { onSave } = settings({ ...NEW, target });
    expect(screen.getByRole('radio', { name: 'Certificates' })).toBeChecked();
    expect(onSave).not.toHaveBeenCalled();
  });

  it('offers only query types whose frames become events, renewals first', () => {
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
    expect(screen.getByRole('radiogroup', { name: 'Query type' })).toHaveTextContent(/^Renewals\s*Certificates$/);
    expect(screen.queryByRole('radio', { name: 'Days remaining' })).not.toBeInTheDocument();
    expect(screen.queryByRole('radio', { name: 'Time series' })).not.toBeInTheDocument();
  });
});
