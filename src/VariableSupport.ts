import { createDataFrame, CustomVariableSupport, DataQueryRequest, DataQueryResponse, FieldType } from '@grafana/data';
import { from, Observable } from 'rxjs';
import { map } from 'rxjs/operators';

import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { DataSource } from './datasource';
import { normalizeVariableQuery, RsCertsVariableQuery } from './types';

/**
 * Dashboard variables listing clusters, nodes or certificates. Resolved in the front end from the
 * backend's resources, so no query type has to exist for it on the Go side.
 */
export class RsCertsVariableSupport extends CustomVariableSupport<DataSource, RsCertsVariableQuery> {
  constructor(private readonly datasource: DataSource) {
    super();
  }

  editor = VariableQueryEditor;

  query(request: DataQueryRequest<RsCertsVariableQuery>): Observable<DataQueryResponse> {
    const query = normalizeVariableQuery(request.targets[0]);
    return from(this.datasource.listResource(query.kind, query.clusters, request.scopedVars)).pipe(
      map((values) => ({
        data: [
          createDataFrame({
            refId: query.refId,
            fields: [
              { name: 'text', type: FieldType.string, values },
              { name: 'value', type: FieldType.string, values },
            ],
          }),
        ],
      }))
    );
  }
}
