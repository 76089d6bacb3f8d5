import React, { useCallback, useState } from 'react';
import { QueryEditorProps } from '@grafana/data';
import { EditorRow, EditorRows } from '@grafana/plugin-ui';
import { Alert, Input, MultiCombobox } from '@grafana/ui';

import type { DataSource } from '../datasource';
import {
  ANNOTATION_QUERY_TYPES,
  CATEGORIES,
  DAYS_VALUES,
  DEFAULT_DAYS_VALUE,
  DEFAULT_QUERY,
  GROUP_BY_QUERY_TYPES,
  GROUP_BYS,
  LIMIT_QUERY_TYPES,
  METRIC_VERSIONS,
  normalizeQuery,
  QUERY_TYPES,
  QueryTypeChoice,
  RsCertsOptions,
  RsCertsQuery,
  Status,
  STATUS_QUERY_TYPES,
  STATUSES,
  VALUE_QUERY_TYPES,
} from '../types';
import { validateLimit } from '../validation';
import { ChoiceField, HelpField } from './EditorFields';
import { ResourcePicker } from './ResourcePicker';

type Props = QueryEditorProps<DataSource, RsCertsQuery, RsCertsOptions> & {
  /** Narrower list for contexts that need it (annotations). */
  queryTypes?: QueryTypeChoice[];
};

export function QueryEditor({ query, datasource, onChange, onRunQuery, queryTypes = QUERY_TYPES }: Props) {
  const normalized = normalizeQuery(query);
  const q: RsCertsQuery = normalized ?? { ...DEFAULT_QUERY, refId: query.refId };
  const typeAllowed = queryTypes.some((t) => t.value === q.queryType);

  const update = (patch: Partial<RsCertsQuery>) => {
    const next = { ...q, ...patch };
    // Drop or fix what the new query type does not take rather than send a query the backend
    // refuses: a time series or a renewal has no status, a renewal is one node's, only days take a value.
    if (!STATUS_QUERY_TYPES.includes(next.queryType)) {
      delete next.statuses;
    }
    if (!GROUP_BY_QUERY_TYPES.includes(next.queryType)) {
      next.groupBy = DEFAULT_QUERY.groupBy;
    }
    if (!VALUE_QUERY_TYPES.includes(next.queryType)) {
      delete next.value;
    }
    if (!LIMIT_QUERY_TYPES.includes(next.queryType) || next.limit === undefined) {
      delete next.limit;
    }
    onChange(next);
    onRunQuery();
  };

  // Keyed on the clusters' content, not identity, so options are fetched again only when it changes.
  const clustersKey = JSON.stringify(q.clusters);
  const loadClusters = useCallback(() => datasource.listResource('clusters'), [datasource]);
  const loadNodes = useCallback(
    () => datasource.listResource('nodes', JSON.parse(clustersKey)),
    [datasource, clustersKey]
  );
  const loadCertificates = useCallback(
    () => datasource.listResource('certificates', JSON.parse(clustersKey)),
    [datasource, clustersKey]
  );

  return (
    <EditorRows>
      {!normalized && (
        <Alert severity="warning" title="Unsupported query">
          This query holds a value this plugin version does not support; it is shown with defaults and is not run until
          you change it.
        </Alert>
      )}
      {normalized && !typeAllowed && (
        <Alert severity="warning" title="Query type not usable here">
          Pick one of the query types below; this one returns nothing that can be shown here.
        </Alert>
      )}
      <EditorRow>
        <ChoiceField
          label="Query type"
          tooltip="What the query returns."
          choices={queryTypes}
          value={q.queryType}
          onChange={(queryType) => update({ queryType })}
        />
        {VALUE_QUERY_TYPES.includes(q.queryType) && (
          <ChoiceField
            label="Value"
            tooltip="What each result reports: days remaining, days behind the newest copy in the cluster, or the expiry time."
            choices={DAYS_VALUES}
            value={q.value ?? DEFAULT_DAYS_VALUE}
            onChange={(value) => update({ value })}
          />
        )}
        {GROUP_BY_QUERY_TYPES.includes(q.queryType) && (
          <ChoiceField
            label="Group by"
            tooltip="How many results: one per certificate on each node, or the soonest expiry per certificate or per cluster."
            choices={GROUP_BYS}
            value={q.groupBy}
            onChange={(groupBy) => update({ groupBy })}
          />
        )}
        {LIMIT_QUERY_TYPES.includes(q.queryType) && (
          <LimitField limit={q.limit} onChange={(limit) => update({ limit })} />
        )}
      </EditorRow>
      <EditorRow>
        <HelpField label="Clusters" tooltip="Exact cluster names or dashboard variables." help="Empty = all clusters.">
          <ResourcePicker
            id="rscerts-clusters"
            value={q.clusters}
            loadValues={loadClusters}
            onChange={(clusters) => update({ clusters })}
            placeholder="All clusters"
          />
        </HelpField>
        <HelpField
          label="Nodes"
          tooltip="Exact node names or dashboard variables; the list shows nodes of the chosen clusters."
          help="Empty = all nodes."
        >
          <ResourcePicker
            id="rscerts-nodes"
            value={q.nodes}
            loadValues={loadNodes}
            onChange={(nodes) => update({ nodes })}
            placeholder="All nodes"
          />
        </HelpField>
        <HelpField
          label="Certificates"
          tooltip="Exact certificate names or dashboard variables; the list shows certificates of the chosen clusters."
          help="Empty = all certificates."
        >
          <ResourcePicker
            id="rscerts-certificates"
            value={q.certificates}
            loadValues={loadCertificates}
            onChange={(certificates) => update({ certificates })}
            placeholder="All certificates"
          />
        </HelpField>
      </EditorRow>
      <EditorRow>
        <ChoiceField
          label="Category"
          tooltip="Who renews the certificate: you (user-managed) or Redis Software (auto-rotated)."
          choices={CATEGORIES}
          value={q.category}
          onChange={(category) => update({ category })}
        />
        {STATUS_QUERY_TYPES.includes(q.queryType) && (
          <HelpField
            label="Statuses"
            tooltip="Keep only certificates with these statuses, e.g. missing ones for an alert rule."
            help="Empty = every status."
          >
            <div data-testid="rscerts-statuses">
              <MultiCombobox<Status>
                options={STATUSES.map(({ value, label, description }) => ({ value, label, description }))}
                value={q.statuses ?? []}
                onChange={(items) => update({ statuses: items.map((i) => i.value) })}
                placeholder="All statuses"
                width={30}
              />
            </div>
          </HelpField>
        )}
        <ChoiceField
          label="Metric version"
          tooltip="Which Redis Software Prometheus metrics to read."
          choices={METRIC_VERSIONS}
          value={q.metricVersion}
          onChange={(metricVersion) => update({ metricVersion })}
        />
      </EditorRow>
    </EditorRows>
  );
}

export const LIMIT_TOOLTIP = 'Keep only the N series that expire soonest';

const limitText = (limit: number | undefined) => (limit === undefined ? '' : String(limit));

/**
 * A time series query's limit: empty = every series. Typed text is kept as typed and sent (and run)
 * when the field loses focus or on Enter, only if the backend accepts it; otherwise it says why.
 */
function LimitField({ limit, onChange }: { limit?: number; onChange: (limit: number | undefined) => void }) {
  // What was typed, and for which saved limit: once the saved limit changes, it shows that.
  const [draft, setDraft] = useState({ text: limitText(limit), limit });
  const text = draft.limit === limit ? draft.text : limitText(limit);
  const parsed = text.trim() === '' ? undefined : Number(text);
  const error = validateLimit(parsed);
  const commit = () => {
    if (!error && parsed !== limit) {
      onChange(parsed);
    }
  };
  return (
    <HelpField label="Limit" tooltip={LIMIT_TOOLTIP} help="Empty = every series." error={error} htmlFor="rscerts-limit">
      <Input
        id="rscerts-limit"
        type="number"
        min={0}
        step={1}
        width={14}
        placeholder="No limit"
        value={text}
        onChange={(e) => setDraft({ text: e.currentTarget.value, limit })}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            commit();
          }
        }}
      />
    </HelpField>
  );
}

/** Annotation editor: the same editor, limited to query types whose frames become events. */
export function AnnotationQueryEditor(props: QueryEditorProps<DataSource, RsCertsQuery, RsCertsOptions>) {
  return <QueryEditor {...props} queryTypes={ANNOTATION_QUERY_TYPES} />;
}
