import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend } from '@grafana/runtime';

import { annotationSupport } from './annotations';
import { DEFAULT_QUERY, normalizeQuery, ResourceKind, RsCertsOptions, RsCertsQuery } from './types';
import { expandFilter } from './variables';
import { RsCertsVariableSupport } from './VariableSupport';

export class DataSource extends DataSourceWithBackend<RsCertsQuery, RsCertsOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<RsCertsOptions>) {
    super(instanceSettings);
    this.variables = new RsCertsVariableSupport(this);
    this.annotations = annotationSupport;
  }

  getDefaultQuery(_app: CoreApp): Partial<RsCertsQuery> {
    return DEFAULT_QUERY;
  }

  /** Hidden queries and queries the backend would reject with a 400 are not sent. */
  filterQuery(query: RsCertsQuery): boolean {
    return !query.hide && normalizeQuery(query) !== undefined;
  }

  applyTemplateVariables(query: RsCertsQuery, scopedVars: ScopedVars): RsCertsQuery {
    // filterQuery already dropped invalid queries; the fallback only keeps the types honest.
    const q = normalizeQuery(query) ?? query;
    return {
      ...q,
      clusters: expandFilter(q.clusters, scopedVars),
      nodes: expandFilter(q.nodes, scopedVars),
      certificates: expandFilter(q.certificates, scopedVars),
    };
  }

  /** Used by "Explore" and query inspection to show the queries as they are sent. */
  interpolateVariablesInQueries(queries: RsCertsQuery[], scopedVars: ScopedVars): RsCertsQuery[] {
    return queries.map((q) => ({ ...this.applyTemplateVariables(q, scopedVars), datasource: this.getRef() }));
  }

  /**
   * Values for pickers and variables. The clusters may contain variables; they are expanded first
   * and sent as a repeated `cluster` parameter (none = all clusters).
   */
  async listResource(kind: ResourceKind, clusters: string[] = [], scopedVars?: ScopedVars): Promise<string[]> {
    const params = kind === 'clusters' ? undefined : { cluster: expandFilter(clusters, scopedVars) };
    const result: unknown = await this.getResource(kind, params);
    return Array.isArray(result) ? result.filter((v): v is string => typeof v === 'string') : [];
  }
}
