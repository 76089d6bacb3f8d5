import { DataSourceInstanceSettings, PluginType } from '@grafana/data';

import { DataSource } from '../datasource';
import { RsCertsOptions } from '../types';

export function instanceSettings(jsonData: RsCertsOptions = {}): DataSourceInstanceSettings<RsCertsOptions> {
  return {
    id: 1,
    uid: 'rscerts',
    type: 'seed-rscerts-datasource',
    name: 'rscerts',
    access: 'proxy',
    readOnly: false,
    jsonData,
    meta: {
      id: 'seed-rscerts-datasource',
      name: 'Redis Software Certificates',
      type: PluginType.datasource,
      info: {} as DataSourceInstanceSettings['meta']['info'],
      module: '',
      baseUrl: '',
    },
  };
}

/** A DataSource whose backend resources answer from a table, recording each request. */
export function fakeDataSource(resources: Record<string, string[]> = {}) {
  const ds = new DataSource(instanceSettings());
  const getResource = jest.spyOn(ds, 'getResource').mockImplementation(async (path: string) => resources[path] ?? []);
  return { ds, getResource };
}
