import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/*
 * Query and settings models shared with the Go backend. The backend answers 400 to any value
 * outside these lists, so the editors only ever offer what is listed here.
 */

/** Backend query types. */
export type QueryType = 'certificates' | 'days' | 'timeseries' | 'renewals';
export type Category = 'all' | 'user-managed' | 'auto-rotated' | 'other';
/** '' means "use the data source default" (jsonData.metricVersion). */
export type MetricVersion = '' | 'auto' | 'v1' | 'v2';
export type GroupBy = 'node' | 'certificate' | 'cluster';
export type Status = 'expired' | 'critical' | 'warning' | 'rotation-overdue' | 'ok' | 'missing';
/** What a days query reports per result; absent = remaining. */
export type DaysValue = 'remaining' | 'behind' | 'expires';

export interface RsCertsQuery extends DataQuery {
  queryType: QueryType;
  /** Exact values, empty = all. Never regexes: escaping is the backend's job. */
  clusters: string[];
  nodes: string[];
  certificates: string[];
  category: Category;
  metricVersion: MetricVersion;
  groupBy: GroupBy;
  /** Only rows with these statuses (certificates and days queries); absent or empty = all. */
  statuses?: Status[];
  /** Days queries only: what each result reports; absent = remaining (older saved queries have none). */
  value?: DaysValue;
  /**
   * Time series only: keep only the N series (after grouping) whose days remaining go lowest in the
   * time range, i.e. that expire soonest; absent or 0 = every series.
   */
  limit?: number;
}

export const DEFAULT_QUERY: Omit<RsCertsQuery, 'refId'> = {
  queryType: 'certificates',
  clusters: [],
  nodes: [],
  certificates: [],
  category: 'all',
  metricVersion: '',
  groupBy: 'node',
};

/** A choice offered by an editor, with the one-line help shown for it. */
export interface Choice<T extends string> {
  value: T;
  label: string;
  description: string;
}

export type QueryTypeChoice = Choice<QueryType>;

export const QUERY_TYPES: QueryTypeChoice[] = [
  {
    value: 'certificates',
    label: 'Certificates',
    description: 'One table: every certificate with days remaining, expiry date and status.',
  },
  {
    value: 'days',
    label: 'Days remaining',
    description: 'One number per result: for alert rules and stat panels.',
  },
  {
    value: 'timeseries',
    label: 'Time series',
    description: 'Days remaining over time: shows renewals as jumps.',
  },
  {
    value: 'renewals',
    label: 'Renewals',
    description: 'Renewal and rotation events over the time range: one row per node and certificate renewed.',
  },
];

function queryTypeChoice(value: QueryType, description: string): QueryTypeChoice {
  return { ...QUERY_TYPES.find((t) => t.value === value)!, description };
}

/**
 * Query types a dashboard annotation may use, the default first, each described by the events its
 * frames become (see annotations.ts).
 */
export const ANNOTATION_QUERY_TYPES: QueryTypeChoice[] = [
  queryTypeChoice('renewals', 'One event per renewal or rotation, when the new expiry was first seen.'),
  queryTypeChoice('certificates', 'One event per certificate, at its expiry.'),
];

export const CATEGORIES: Array<Choice<Category>> = [
  { value: 'all', label: 'All', description: 'Every certificate Redis Software reports.' },
  {
    value: 'user-managed',
    label: 'User-managed',
    description: 'Certificates you install and renew yourself (proxy, API, CM, syncer, metrics exporter).',
  },
  {
    value: 'auto-rotated',
    label: 'Auto-rotated',
    description: 'Internode certificates Redis Software renews on its own.',
  },
  { value: 'other', label: 'Other', description: 'Certificates in neither category.' },
];

export const METRIC_VERSIONS: Array<Choice<MetricVersion>> = [
  { value: '', label: 'Default', description: 'Use the metric version set on the data source.' },
  { value: 'auto', label: 'Auto', description: 'Read v1 and v2 metrics and merge them.' },
  { value: 'v1', label: 'v1', description: 'Only the v1 (legacy) Prometheus metrics.' },
  { value: 'v2', label: 'v2', description: 'Only the v2 Prometheus metrics.' },
];

export const GROUP_BYS: Array<Choice<GroupBy>> = [
  { value: 'node', label: 'Node', description: 'One result per cluster, node and certificate.' },
  {
    value: 'certificate',
    label: 'Certificate',
    description: 'Soonest expiry of each certificate across the nodes of a cluster.',
  },
  { value: 'cluster', label: 'Cluster', description: 'Soonest expiry of any certificate per cluster.' },
];

export const STATUSES: Array<Choice<Status>> = [
  { value: 'expired', label: 'Expired', description: 'Already past its expiry.' },
  { value: 'critical', label: 'Critical', description: 'Expires within the critical days.' },
  { value: 'warning', label: 'Warning', description: 'Expires within the warning days.' },
  {
    value: 'rotation-overdue',
    label: 'Rotation overdue',
    description:
      "Auto-rotated, past Redis Software's rotation point: rotation was missed, days before Redis' own alert.",
  },
  { value: 'ok', label: 'OK', description: 'Further away than the warning days.' },
  { value: 'missing', label: 'Missing', description: 'Seen within the lookback window, gone now.' },
];

/** Query types whose rows carry a status (a time series and a renewal event have none). */
export const STATUS_QUERY_TYPES: QueryType[] = ['certificates', 'days'];

/** Query types that group results: a renewal event is always one node's certificate (groupBy node). */
export const GROUP_BY_QUERY_TYPES: QueryType[] = ['certificates', 'days', 'timeseries'];

export const DAYS_VALUES: Array<Choice<DaysValue>> = [
  { value: 'remaining', label: 'Days remaining', description: 'Days until the certificate expires.' },
  {
    value: 'behind',
    label: 'Days behind',
    description:
      'Days this copy expires before the newest copy of the same certificate in its cluster: a node a renewal left behind.',
  },
  {
    value: 'expires',
    label: 'Expires at',
    description: 'The expiry time (Unix milliseconds), for alert notifications.',
  },
];

/** What a days query reports when it has no `value` (every query saved before it existed). */
export const DEFAULT_DAYS_VALUE: DaysValue = 'remaining';

/** Query types that take a `value`. */
export const VALUE_QUERY_TYPES: QueryType[] = ['days'];

/** Query types that take a `limit`. */
export const LIMIT_QUERY_TYPES: QueryType[] = ['timeseries'];

/** A limit the backend accepts: a whole number, 0 (every series) or more. */
export function isLimit(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** What the backend's resources list (GET /resources/<kind>), and so what a variable lists. */
export type ResourceKind = 'clusters' | 'nodes' | 'certificates';

/** Variable query: the values a dashboard variable lists, resolved in the front end. */

export interface RsCertsVariableQuery extends DataQuery {
  kind: ResourceKind;
  /** Restricts nodes/certificates to these clusters; may hold variables; empty = all. */
  clusters: string[];
}

export const DEFAULT_VARIABLE_QUERY: Omit<RsCertsVariableQuery, 'refId'> = { kind: 'clusters', clusters: [] };

export const VARIABLE_KINDS: Array<Choice<ResourceKind>> = [
  { value: 'clusters', label: 'Clusters', description: 'Every cluster that reports certificates.' },
  { value: 'nodes', label: 'Nodes', description: 'Nodes of the chosen clusters (all clusters if none).' },
  {
    value: 'certificates',
    label: 'Certificates',
    description: 'Certificate names of the chosen clusters (all clusters if none).',
  },
];

/** Data source jsonData. HTTP, auth and TLS fields come from DataSourceJsonData and the SDK. */
export interface RsCertsOptions extends DataSourceJsonData {
  metricVersion?: Exclude<MetricVersion, ''>;
  userManagedWarningDays?: number;
  userManagedCriticalDays?: number;
  autoRotatedWarningDays?: number;
  autoRotatedCriticalDays?: number;
  /** Prometheus duration; a certificate seen within it but gone now is reported as missing. */
  missingLookback?: string;
  /** Prometheus duration: identical Prometheus requests share one answer this long (0s = off). */
  cacheTTL?: string;
  /** Largest Prometheus answer read per request, in MB (1 to 4096). */
  responseLimitMB?: number;
  /** Redis Software's expiry_days_before_rotation: it rotates internode certificates this many days before expiry. */
  rotationDaysBeforeExpiry?: number;
  /** Slack after the rotation point: below rotationDaysBeforeExpiry - rotationGraceDays days, rotation is overdue. */
  rotationGraceDays?: number;
  /** A copy more than this many days behind the newest copy of its certificate in the cluster was left behind. */
  driftDays?: number;
  timeout?: number;
}

/** Backend defaults, shown as placeholders and used when a field is left empty. */
export const DEFAULT_SETTINGS = {
  metricVersion: 'auto',
  userManagedWarningDays: 30,
  userManagedCriticalDays: 14,
  autoRotatedWarningDays: 45,
  autoRotatedCriticalDays: 14,
  missingLookback: '1h',
  cacheTTL: '5s',
  responseLimitMB: 64,
  rotationDaysBeforeExpiry: 60,
  rotationGraceDays: 2,
  driftDays: 1,
} as const;

/** Write-only secrets; the front end only ever sees their secureJsonFields flags. */
export interface RsCertsSecureOptions {
  basicAuthPassword?: string;
  tlsCACert?: string;
  tlsClientCert?: string;
  tlsClientKey?: string;
  [httpHeaderValue: `httpHeaderValue${number}`]: string | undefined;
}

function oneOf<T extends string>(choices: Array<Choice<T>>, value: unknown, fallback: T): T | undefined {
  if (value === undefined || value === null) {
    return fallback;
  }
  return choices.find((c) => c.value === value)?.value;
}

function isStatus(value: string): value is Status {
  return STATUSES.some((c) => c.value === value);
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) {
    return value.filter((v): v is string => typeof v === 'string');
  }
  // A single string can come from hand-written or provisioned JSON.
  return typeof value === 'string' && value !== '' ? [value] : [];
}

/**
 * Fills missing fields with defaults (older saved queries, provisioning, Explore). Returns undefined
 * when a field holds a value the backend would reject, so such a query is never sent. Fields that do
 * not apply to the query type are set or dropped instead: a renewals query is always grouped by node
 * and has no statuses, only a days query keeps a `value` and only a time series keeps a `limit`.
 */
export function normalizeQuery(query: Partial<RsCertsQuery> & { refId: string }): RsCertsQuery | undefined {
  const queryType = oneOf(QUERY_TYPES, query.queryType || undefined, DEFAULT_QUERY.queryType);
  const category = oneOf(CATEGORIES, query.category, DEFAULT_QUERY.category);
  const metricVersion = oneOf(METRIC_VERSIONS, query.metricVersion, DEFAULT_QUERY.metricVersion);
  if (!queryType || !category || metricVersion === undefined) {
    return undefined;
  }
  const groupBy = GROUP_BY_QUERY_TYPES.includes(queryType)
    ? oneOf(GROUP_BYS, query.groupBy, DEFAULT_QUERY.groupBy)
    : DEFAULT_QUERY.groupBy;
  if (!groupBy) {
    return undefined;
  }
  const { statuses: rawStatuses, value: rawValue, limit: rawLimit, ...rest } = query;
  // A renewals query never had statuses to keep: they are dropped, whatever they hold.
  const keepsStatuses = rawStatuses !== undefined && queryType !== 'renewals';
  const statuses = keepsStatuses ? strings(rawStatuses) : [];
  if (!statuses.every(isStatus)) {
    return undefined;
  }
  if (statuses.length > 0 && !STATUS_QUERY_TYPES.includes(queryType)) {
    return undefined; // a time series with a status filter: the user must choose what they meant
  }
  // Absent stays absent, so a days query saved before `value` existed is sent as it was.
  const takesValue = VALUE_QUERY_TYPES.includes(queryType) && rawValue !== undefined && rawValue !== null;
  const value = takesValue ? DAYS_VALUES.find((c) => c.value === rawValue)?.value : undefined;
  if (takesValue && !value) {
    return undefined;
  }
  // Absent stays absent; a limit the backend would refuse (negative, a fraction, a string) is not sent.
  const takesLimit = LIMIT_QUERY_TYPES.includes(queryType) && rawLimit !== undefined && rawLimit !== null;
  if (takesLimit && !isLimit(rawLimit)) {
    return undefined;
  }
  return {
    ...rest,
    queryType,
    category,
    metricVersion,
    groupBy,
    clusters: strings(query.clusters),
    nodes: strings(query.nodes),
    certificates: strings(query.certificates),
    ...(keepsStatuses && STATUS_QUERY_TYPES.includes(queryType) ? { statuses } : {}),
    ...(value ? { value } : {}),
    ...(takesLimit ? { limit: rawLimit } : {}),
  };
}

export function normalizeVariableQuery(
  query: Partial<RsCertsVariableQuery> | string | undefined
): RsCertsVariableQuery {
  // A string is what a variable saved by another data source, or typed in JSON, looks like.
  const q = typeof query === 'object' && query !== null ? query : {};
  return {
    ...q,
    refId: q.refId ?? 'variable',
    kind: oneOf(VARIABLE_KINDS, q.kind, DEFAULT_VARIABLE_QUERY.kind) ?? DEFAULT_VARIABLE_QUERY.kind,
    clusters: strings(q.clusters),
  };
}
