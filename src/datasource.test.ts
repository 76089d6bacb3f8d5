import { CoreApp, DataQueryRequest, DataFrame, FieldType, createDataFrame } from '@grafana/data';
import { lastValueFrom } from 'rxjs';

import { DEFAULT_QUERY, RsCertsQuery, RsCertsVariableQuery } from './types';
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
    expect(ds.filterQuery(query({ queryType: 'renewals' as RsCertsQuery['queryType'] }))).toBe(false);
    expect(ds.filterQuery(query({ category: 'expired' as RsCertsQuery['category'] }))).toBe(false);
    expect(ds.filterQuery(query({ metricVersion: 'v3' as RsCertsQuery['metricVersion'] }))).toBe(false);
    expect(ds.filterQuery(query({ groupBy: 'pod' as RsCertsQuery['groupBy'] }))).toBe(false);
  });

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
    ],
  });

  it('turns each certificate row into an event at its expiry', async () => {
    const { ds } = fakeDataSource();
    const anno = ds.annotations!.prepareAnnotation!({ name: 'Expiries', enable: true, iconColor: 'red' });
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

  it('runs only query types that yield events', () => {
    const { ds } = fakeDataSource();
    const anno = ds.annotations!.prepareAnnotation!({ name: 'x', enable: true, iconColor: 'red' });
    expect(anno.target).toEqual({ ...DEFAULT_QUERY, refId: 'Anno' });
    expect(ds.annotations!.prepareQuery!(anno)).toEqual({ ...DEFAULT_QUERY, refId: 'Anno' });
    expect(ds.annotations!.prepareQuery!({ ...anno, target: query({ queryType: 'days' }) })).toBeUndefined();
  });
});
