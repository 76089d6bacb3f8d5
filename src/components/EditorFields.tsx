import React, { ReactElement } from 'react';
import { EditorField } from '@grafana/plugin-ui';
import { RadioButtonGroup, Text } from '@grafana/ui';

import { Choice } from '../types';

interface HelpFieldProps {
  label: string;
  tooltip: string;
  /** One line under the control. EditorField drops Field's own description, hence this. */
  help?: string;
  /** What is wrong with the value; shown under the control, which is marked invalid. */
  error?: string;
  /** The id of the control the label names. */
  htmlFor?: string;
  children: ReactElement;
}

export function HelpField({ label, tooltip, help, error, htmlFor, children }: HelpFieldProps) {
  return (
    <EditorField label={label} tooltip={tooltip} invalid={Boolean(error)} error={error} htmlFor={htmlFor}>
      <div>
        {children}
        {help && (
          <div>
            <Text variant="bodySmall" color="secondary">
              {help}
            </Text>
          </div>
        )}
      </div>
    </EditorField>
  );
}

interface ChoiceFieldProps<T extends string> {
  label: string;
  tooltip: string;
  choices: Array<Choice<T>>;
  value: T;
  onChange: (value: T) => void;
}

/** A short list of fixed choices; each has its help as tooltip, the chosen one's is shown below. */
export function ChoiceField<T extends string>({ label, tooltip, choices, value, onChange }: ChoiceFieldProps<T>) {
  return (
    <HelpField label={label} tooltip={tooltip} help={choices.find((c) => c.value === value)?.description}>
      <RadioButtonGroup<T>
        aria-label={label}
        options={choices.map(({ value, label, description }) => ({ value, label, description }))}
        value={value}
        onChange={onChange}
      />
    </HelpField>
  );
}
