import { CoreApp, DataQueryRequest, DataFrame, FieldType, createDataFrame } from '@grafana/data';
import { lastValueFrom } from 'rxjs';

import { DEFAULT_QUERY, RsCertsQuery, RsCertsVariableQuery, Status } from './types';
import { fakeTemplateSrv } from './test/templateSrv';
import { fakeDataSource } from './test/datasource';
import { RsCertsVariableSupport } from './VariableSupport';

const templateSrv = fakeTemplateSrv([
  { name: 'cluster', current: { value: ['prod-eu', 'prod-us'] }, options: ['prod-eu', 'prod-us'] },
  { name: 'node', current: { value: '$__all' }, options: ['node-1', 'node-2'] },
]);

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => templateSrv,
}));

const query = (patch: Partial<RsCertsQuery> = {}): RsCertsQuery => ({ ...DEFAULT_QUERY, refId: 'A', ...patch });

describe('DataSource', () => {
  it('defaults to one certificates table for everything', () => {
    const { ds } = fakeDataSource();
    expect(ds.getDefaultQuery(CoreApp.PanelEditor)).toEqual({
      queryType: 'certificates',
      clusters: [],
      nodes: [],
      certificates: [],
      category: 'all',
      metricVersion: '',
      groupBy: 'node',
    });
  });

  it('interpolates every filter into arrays of exact values', () => {
    const { ds } = fakeDataSource();
    const sent = ds.applyTemplateVariables(
      query({ clusters: ['$cluster'], nodes: ['$node'], certificates: ['proxy', '$unknown'], groupBy: 'cluster' }),
      {}
    );
    expect(sent).toEqual({
      refId: 'A',
      queryType: 'certificates',
      clusters: ['prod-eu', 'prod-us'],
      nodes: ['node-1', 'node-2'],
      certificates: ['proxy', '$unknown'],
      category: 'all',
      metricVersion: '',
      groupBy: 'cluster',
    });
  });

  it('fills fields missing from older or hand-written queries', () => {
    const { ds } = fakeDataSource();
    const sent = ds.applyTemplateVariables({ refId: 'B', clusters: 'solo' } as unknown as RsCertsQuery, {});
    expect(sent).toEqual({ ...DEFAULT_QUERY, refId: 'B', clusters: ['solo'] });
  });

  it('skips hidden queries and values the backend would reject', () => {
    const { ds } = fakeDataSource();
    expect(ds.filterQuery(query())).toBe(true);
    expect(ds.filterQuery(query({ hide: true }))).toBe(false);
    expect(ds.filterQuery(query({ queryType: 'forecast' as RsCertsQuery['queryType'] }))).toBe(false);
    expect(ds.filterQuery(query({ statuses: ['overdue' as Status] }))).toBe(false);
    expect(ds.filterQuery(query({ queryType: 'days', value: 'ahead' as RsCertsQuery['value'] }))).toBe(false);
    expect(ds.filterQuery(query({ queryType: 'timeseries', statuses: ['missing'] }))).toBe(false);
    expect(ds.filterQuery(query({ category: 'expired' as RsCertsQuery['category'] }))).toBe(false);
    expect(ds.filterQuery(query({ metricVersion: 'v3' as RsCertsQuery['metricVersion'] }))).toBe(false);
    expect(ds.filterQuery(query({ groupBy: 'pod' as RsCertsQuery['groupBy'] }))).toBe(false);
    expect(ds.filterQuery(query({ queryType: 'timeseries', limit: -1 }))).toBe(false);
    expect(ds.filterQuery(query({ queryType: 'timeseries', limit: 2.5 }))).toBe(false);
    expect(ds.filterQuery(query({ queryType: 'timeseries', limit: '20' as unknown as number }))).toBe(false);
    expect(ds.filterQuery(query({ queryType: 'timeseries', limit: 20 }))).toBe(true);
  });

  it('sends a time series limit as saved, and none on the query types that take none (the backend refuses it)', () => {
    const { ds } = fakeDataSource();
    expect(ds.applyTemplateVariables(query({ queryType: 'timeseries', groupBy: 'node', limit: 20 }), {})).toStrictEqual(
      query({ queryType: 'timeseries', groupBy: 'node', limit: 20 })
    );
    expect(ds.applyTemplateVariables(query({ queryType: 'timeseries' }), {})).toStrictEqual(
      query({ queryType: 'timeseries' })
    );
    for (const queryType of ['certificates', 'days', 'renewals'] as const) {
      expect(ds.applyTemplateVariables(query({ queryType, limit: 20 }), {})).toStrictEqual(query({ queryType }));
    }
  });

  it('sends renewals grouped by node and without statuses, whatever was saved (the backend refuses both)', () => {
    const { ds } = fakeDataSource();
    const saved = query({
      queryType: 'renewals',
      groupBy: 'cluster',
      statuses: ['missing', 'gone' as Status],
      value: 'behind',
      clusters: ['$cluster'],
    });
    expect(ds.filterQuery(saved)).toBe(true);
    expect(ds.applyTemplateVariables(saved, {})).toStrictEqual({
      ...DEFAULT_QUERY,
      refId: 'A',
      queryType: 'renewals',
      groupBy: 'node',
      clusters: ['prod-eu', 'prod-us'],
    });
  });

  it('sends a hand-written single status as the array the backend decodes', () => {
    const { ds } = fakeDataSource();
    const handWritten = query({ queryType: 'days', statuses: 'missing' as unknown as Status[] });
    expect(ds.applyTemplateVariables(handWritten, {}).statuses).toEqual(['missing']);
  });

  it('sends rotation-overdue as a status of tables and alert values', () => {
    const { ds } = fakeDataSource();
    for (const queryType of ['certificates', 'days'] as const) {
      const q = query({ queryType, statuses: ['rotation-overdue', 'warning'] });
      expect(ds.filterQuery(q)).toBe(true);
      expect(ds.applyTemplateVariables(q, {}).statuses).toEqual(['rotation-overdue', 'warning']);
    }
  });

  it.each(['remaining', 'behind', 'expires'] as const)('sends a days query with value %s', (value) => {
    const { ds } = fakeDataSource();
    const q = query({ queryType: 'days', value });
    expect(ds.filterQuery(q)).toBe(true);
    expect(ds.applyTemplateVariables(q, {})).toStrictEqual({ ...DEFAULT_QUERY, refId: 'A', queryType: 'days', value });
  });

  it('sends a days query saved without a value as it was (the backend reads days remaining)', () => {
    const { ds } = fakeDataSource();
    const sent = ds.applyTemplateVariables(query({ queryType: 'days' }), {});
    expect(sent).toStrictEqual({ ...DEFAULT_QUERY, refId: 'A', queryType: 'days' });
    expect('value' in sent).toBe(false);
  });

  it.each(['certificates', 'timeseries', 'renewals'] as const)(
    'drops a value from a %s query, which takes none (the backend refuses behind and expires there)',
    (queryType) => {
      const { ds } = fakeDataSource();
      const q = query({ queryType, value: 'expires' });
      expect(ds.filterQuery(q)).toBe(true);
      expect(ds.applyTemplateVariables(q, {})).toStrictEqual({ ...DEFAULT_QUERY, refId: 'A', queryType });
    }
  );

  it('requests nodes and certificates with the expanded clusters as repeated params', async () => {
    const { ds, getResource } = fakeDataSource({ nodes: ['n1'], certificates: ['proxy'], clusters: ['c'] });
    await expect(ds.listResource('clusters')).resolves.toEqual(['c']);
    expect(getResource).toHaveBeenLastCalledWith('clusters', undefined);
    await expect(ds.listResource('nodes', ['$cluster', 'dev'])).resolves.toEqual(['n1']);
    expect(getResource).toHaveBeenLastCalledWith('nodes', { cluster: ['prod-eu', 'prod-us', 'dev'] });
    await ds.listResource('certificates');
    expect(getResource).toHaveBeenLastCalledWith('certificates', { cluster: [] });
  });
});

describe('variable support', () => {
  const request = (target: RsCertsVariableQuery) =>
    ({ targets: [target], scopedVars: {} }) as unknown as DataQueryRequest<RsCertsVariableQuery>;

  it('lists nodes of the chosen clusters as a text/value frame', async () => {
    const { ds, getResource } = fakeDataSource({ nodes: ['node-1', 'node-2'] });
    const response = await lastValueFrom(
      (ds.variables as RsCertsVariableSupport).query(request({ refId: 'V', kind: 'nodes', clusters: ['$cluster'] }))
    );
    const frame = response.data[0] as DataFrame;
    expect(getResource).toHaveBeenCalledWith('nodes', { cluster: ['prod-eu', 'prod-us'] });
    expect(frame.fields.map((f) => [f.name, f.values])).toEqual([
      ['text', ['node-1', 'node-2']],
      ['value', ['node-1', 'node-2']],
    ]);
  });

  it('lists clusters without parameters', async () => {
    const { ds, getResource } = fakeDataSource({ clusters: ['a', 'b'] });
    const response = await lastValueFrom(
      (ds.variables as RsCertsVariableSupport).query(request({ refId: 'V', kind: 'clusters', clusters: [] }))
    );
    expect(getResource).toHaveBeenCalledWith('clusters', undefined);
    expect((response.data[0] as DataFrame).fields[0].values).toEqual(['a', 'b']);
  });
});

describe('annotation support', () => {
  const frame = createDataFrame({
    fields: [
      { name: 'Cluster', type: FieldType.string, values: ['prod'] },
      { name: 'Node', type: FieldType.string, values: ['node-1'] },
      { name: 'Certificate', type: FieldType.string, values: ['proxy'] },
      { name: 'Category', type: FieldType.string, values: ['user-managed'] },
      { name: 'Days remaining', type: FieldType.number, values: [12] },
      { name: 'Expires at', type: FieldType.time, values: [Date.UTC(2030, 0, 2)] },
      { name: 'Status', type: FieldType.string, values: ['critical'] },
      { name: 'Source', type: FieldType.string, values: ['v2'] },
      { name: 'Path', type: FieldType.string, values: ['/etc/opt/redislabs/proxy_cert.pem'] },
      { name: 'Days behind', type: FieldType.number, values: [0] },
    ],
  });

  /** The backend's renewals table (README "Frames"), rows sorted by time. */
  const renewals = createDataFrame({
    fields: [
      {
        name: 'Time',
        type: FieldType.time,
        values: [Date.UTC(2026, 11, 20, 10, 5), Date.UTC(2026, 11, 21, 3), Date.UTC(2026, 11, 22)],
      },
      { name: 'Cluster', type: FieldType.string, values: ['c1.example.com', 'c2.example.com', 'c1.example.com'] },
      { name: 'Node', type: FieldType.string, values: ['2', '1', ''] },
      { name: 'Certificate', type: FieldType.string, values: ['proxy', 'ccs_internode_encryption', 'api'] },
      { name: 'Category', type: FieldType.string, values: ['user-managed', 'auto-rotated', 'other'] },
      {
        name: 'Expires before',
        type: FieldType.time,
        values: [Date.UTC(2027, 0, 2, 23, 59), Date.UTC(2027, 1, 17), Date.UTC(2027, 5, 1)],
      },
      {
        name: 'Expires after',
        type: FieldType.time,
        values: [Date.UTC(2027, 11, 31, 12), Date.UTC(2027, 11, 21, 3), Date.UTC(2028, 5, 1)],
      },
      { name: 'Days before', type: FieldType.number, values: [12.04, 57.875, NaN] },
      { name: 'Days after', type: FieldType.number, values: [365, 365, 527.5] },
    ],
  });

  const annotation = () => {
    const { ds } = fakeDataSource();
    return { ds, anno: ds.annotations!.prepareAnnotation!({ name: 'Renewals', enable: true, iconColor: 'red' }) };
  };

  it('turns each certificate row into an event at its expiry', async () => {
    const { ds, anno } = annotation();
    const events = await lastValueFrom(ds.annotations!.processEvents!(anno, [frame]));
    expect(events).toEqual([
      {
        time: Date.UTC(2030, 0, 2),
        title: 'proxy expires',
        text: 'proxy on node-1 (prod), status critical, 12 days remaining',
        tags: ['prod', 'node-1', 'user-managed', 'critical'],
      },
    ]);
  });

  it('turns each renewals row into an event when its new expiry was first seen: renewed, or rotated', async () => {
    const { ds, anno } = annotation();
    const events = await lastValueFrom(ds.annotations!.processEvents!(anno, [renewals]));
    expect(events).toEqual([
      {
        time: Date.UTC(2026, 11, 20, 10, 5),
        title: 'proxy renewed on node 2 of c1.example.com',
        text: 'Expiry moved from 2027-01-02 to 2027-12-31 (12.0 → 365.0 days remaining)',
        tags: ['c1.example.com', '2', 'proxy'],
      },
      {
        time: Date.UTC(2026, 11, 21, 3),
        title: 'ccs_internode_encryption rotated on node 1 of c2.example.com',
        text: 'Expiry moved from 2027-02-17 to 2027-12-21 (57.9 → 365.0 days remaining)',
        tags: ['c2.example.com', '1', 'ccs_internode_encryption'],
      },
      {
        // no node, and days before unreadable (NaN): what is known is still said
        time: Date.UTC(2026, 11, 22),
        title: 'api renewed in c1.example.com',
        text: 'Expiry moved from 2027-06-01 to 2028-06-01',
        tags: ['c1.example.com', 'api'],
      },
    ]);
  });

  it('maps each frame by its shape, and an empty renewals table to no events', async () => {
    const { ds, anno } = annotation();
    const empty = createDataFrame({ fields: renewals.fields.map((f) => ({ ...f, values: [] })) });
    const events = await lastValueFrom(ds.annotations!.processEvents!(anno, [renewals, frame, empty]));
    expect(events!.map((e) => e.title)).toEqual([
      'proxy renewed on node 2 of c1.example.com',
      'ccs_internode_encryption rotated on node 1 of c2.example.com',
      'api renewed in c1.example.com',
      'proxy expires',
    ]);
    await expect(lastValueFrom(ds.annotations!.processEvents!(anno, [empty]))).resolves.toEqual([]);
  });

  it('starts a new annotation on renewals, the first annotation query type', () => {
    const { ds, anno } = annotation();
    const target = { ...DEFAULT_QUERY, refId: 'Anno', queryType: 'renewals' };
    expect(ds.annotations!.getDefaultQuery!()).toEqual({ ...DEFAULT_QUERY, queryType: 'renewals' });
    expect(anno.target).toEqual(target);
    expect(ds.annotations!.prepareQuery!(anno)).toEqual(target);
  });

  it('returns an annotation that needs nothing as the same object (Grafana saves what differs, on every change)', () => {
    const { ds, anno } = annotation();
    expect(ds.annotations!.prepareAnnotation!(anno)).toBe(anno);
    const saved = { ...anno, target: query({ clusters: ['prod'] }) };
    expect(ds.annotations!.prepareAnnotation!(saved)).toBe(saved);
  });

  it('keeps a hand-written target without a query type on expiries, as before renewals existed', () => {
    const { ds } = fakeDataSource();
    const handWritten = { name: 'x', enable: true, iconColor: 'red', target: { clusters: ['prod'] } as RsCertsQuery };
    const prepared = ds.annotations!.prepareAnnotation!(handWritten);
    expect(prepared.target).toEqual({ ...DEFAULT_QUERY, refId: 'Anno', clusters: ['prod'] });
    expect(ds.annotations!.prepareAnnotation!(prepared)).toBe(prepared);
  });

  it('runs only query types that yield events', () => {
    const { ds, anno } = annotation();
    for (const queryType of ['renewals', 'certificates'] as const) {
      expect(ds.annotations!.prepareQuery!({ ...anno, target: query({ queryType }) })).toEqual(query({ queryType }));
    }
    expect(ds.annotations!.prepareQuery!({ ...anno, target: query({ queryType: 'days' }) })).toBeUndefined();
    expect(ds.annotations!.prepareQuery!({ ...anno, target: query({ queryType: 'timeseries' }) })).toBeUndefined();
  });

  it('runs a renewals annotation saved with a grouping and statuses as the backend accepts it', () => {
    const { ds, anno } = annotation();
    const target = query({ queryType: 'renewals', groupBy: 'certificate', statuses: ['ok'] });
    expect(ds.annotations!.prepareQuery!({ ...anno, target })).toStrictEqual(query({ queryType: 'renewals' }));
  });
});
