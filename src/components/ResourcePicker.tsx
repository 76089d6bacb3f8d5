import React, { useCallback, useMemo } from 'react';
import { ComboboxOption, MultiCombobox } from '@grafana/ui';

import { variableOptions } from '../variables';

interface Props {
  id: string;
  value: string[];
  onChange: (values: string[]) => void;
  /** Fetches the backend's values; give it a new identity when its inputs (e.g. clusters) change. */
  loadValues: () => Promise<string[]>;
  placeholder?: string;
}

/**
 * Multi-select of exact values from a backend resource, plus the dashboard's variables, plus
 * anything typed (a value the backend has not reported yet, or a variable of another scope).
 */
export function ResourcePicker({ id, value, onChange, loadValues, placeholder }: Props) {
  // One request per loader: the combobox asks again on every keystroke, the list does not change.
  const cachedValues = useMemo(() => {
    let pending: Promise<string[]> | undefined;
    return () => {
      pending ??= loadValues().catch((error) => {
        pending = undefined; // let the next opening retry
        throw error;
      });
      return pending;
    };
  }, [loadValues]);

  const options = useCallback(
    async (input: string): Promise<Array<ComboboxOption<string>>> => {
      const variables = variableOptions().map((v) => ({ value: v, label: v, description: 'Dashboard variable' }));
      const values = (await cachedValues()).map((v) => ({ value: v, label: v }));
      const needle = input.toLowerCase();
      return [...variables, ...values].filter((o) => o.value.toLowerCase().includes(needle));
    },
    [cachedValues]
  );

  const selected = useMemo(() => value.map((v) => ({ value: v, label: v })), [value]);

  return (
    // The wrapper names the control for tests: MultiCombobox 12.0 does not pass `id` to its input.
    <div data-testid={id}>
      <MultiCombobox<string>
        id={id}
        options={options}
        value={selected}
        onChange={(opts) => onChange(opts.map((o) => o.value))}
        createCustomValue
        placeholder={placeholder}
        width="auto"
        minWidth={24}
        maxWidth={60}
      />
    </div>
  );
}
