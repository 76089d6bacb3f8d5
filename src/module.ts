import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import { RsCertsOptions, RsCertsQuery } from './types';

// Variable and annotation support are set on the DataSource instance (see datasource.ts).
export const plugin = new DataSourcePlugin<DataSource, RsCertsQuery, RsCertsOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
