import React, { useCallback } from 'react';
import { QueryEditorProps } from '@grafana/data';
import { EditorRow, EditorRows } from '@grafana/plugin-ui';

import type { DataSource } from '../datasource';
import { normalizeVariableQuery, RsCertsOptions, RsCertsQuery, RsCertsVariableQuery, VARIABLE_KINDS } from '../types';
import { ChoiceField, HelpField } from './EditorFields';
import { ResourcePicker } from './ResourcePicker';

type Props = QueryEditorProps<DataSource, RsCertsQuery, RsCertsOptions, RsCertsVariableQuery>;

export function VariableQueryEditor({ query, datasource, onChange }: Props) {
  const q = normalizeVariableQuery(query);
  const loadClusters = useCallback(() => datasource.listResource('clusters'), [datasource]);

  return (
    <EditorRows>
      <EditorRow>
        <ChoiceField
          label="Values"
          tooltip="What the variable lists."
          choices={VARIABLE_KINDS}
          value={q.kind}
          onChange={(kind) => onChange({ ...q, kind })}
        />
        {q.kind !== 'clusters' && (
          <HelpField
            label="Clusters"
            tooltip="Exact cluster names or other variables (e.g. $cluster for a chained variable)."
            help="Empty = all clusters."
          >
            <ResourcePicker
              id="rscerts-variable-clusters"
              value={q.clusters}
              loadValues={loadClusters}
              onChange={(clusters) => onChange({ ...q, clusters })}
              placeholder="All clusters"
            />
          </HelpField>
        )}
      </EditorRow>
    </EditorRows>
  );
}
