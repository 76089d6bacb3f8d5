import React from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { ConfigSection } from '@grafana/plugin-ui';
import { Field, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import { DEFAULT_SETTINGS, METRIC_VERSIONS, RsCertsOptions } from '../types';
import { MAX_DAYS, RotationKey, ThresholdKey, validateSettings } from '../validation';

type Props = DataSourcePluginOptionsEditorProps<RsCertsOptions>;

/** An empty field is stored as undefined, so the backend applies its default. */
const toNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

const THRESHOLDS: Array<{ key: ThresholdKey; label: string; description: string }> = [
  {
    key: 'userManagedWarningDays',
    label: 'User-managed: warning (days)',
    description: 'Certificates you renew yourself turn "warning" this many days before expiry.',
  },
  {
    key: 'userManagedCriticalDays',
    label: 'User-managed: critical (days)',
    description: 'Turn "critical" this many days before expiry; at most the warning days.',
  },
  {
    key: 'autoRotatedWarningDays',
    label: 'Auto-rotated: warning (days)',
    description: 'Redis Software renews these itself; warning means the rotation seems late.',
  },
  {
    key: 'autoRotatedCriticalDays',
    label: 'Auto-rotated: critical (days)',
    description: 'Turn "critical" this many days before expiry; at most the warning days.',
  },
];

/** Rotation and drift: the description may show the effective values, so it is computed. */
const ROTATION: Array<{
  key: RotationKey;
  label: string;
  /** overdueBelow: the effective rotation point minus grace, undefined while either is refused. */
  description: (overdueBelow: number | undefined) => string;
  /** Smallest value and step of the number input. */
  min: number;
  step: number | 'any';
}> = [
  {
    key: 'rotationDaysBeforeExpiry',
    label: 'Rotation point (days before expiry)',
    description: () =>
      "Redis Software's expiry_days_before_rotation: it rotates internode certificates when this many days remain.",
    min: 1,
    step: 1,
  },
  {
    key: 'rotationGraceDays',
    label: 'Rotation grace (days)',
    description: (overdueBelow) =>
      `An auto-rotated certificate below rotation point − grace days${overdueBelow === undefined ? '' : ` (${overdueBelow})`} is "rotation overdue". Less than the rotation point.`,
    min: 0,
    step: 1,
  },
  {
    key: 'driftDays',
    label: 'Drift tolerance (days)',
    description: () =>
      'A copy more than this many days behind the newest copy of the same certificate in its cluster was left behind by a renewal.',
    min: 0,
    step: 'any',
  },
];

const DURATIONS: Array<{ key: 'missingLookback' | 'cacheTTL'; label: string; description: string }> = [
  {
    key: 'missingLookback',
    label: 'Missing-series lookback',
    description:
      'A certificate seen within this window but without a series now is reported as missing (e.g. 30m, 1h, 2h30m, 1d).',
  },
  {
    key: 'cacheTTL',
    label: 'Cache',
    description: 'Identical Prometheus requests (a dashboard refresh) share one answer this long; 0s turns it off.',
  },
];

/** The plugin's own settings: default metric version, status thresholds, rotation and drift, lookback, cache, response limit. */
export function PluginSettings({ options, onOptionsChange }: Props) {
  const { jsonData } = options;
  const errors = validateSettings(jsonData);

  const setJsonData = (patch: Partial<RsCertsOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });

  const onDaysChange = (key: ThresholdKey | RotationKey, text: string) => setJsonData({ [key]: toNumber(text) });

  const overdueBelow =
    errors.rotationDaysBeforeExpiry || errors.rotationGraceDays
      ? undefined
      : (jsonData.rotationDaysBeforeExpiry ?? DEFAULT_SETTINGS.rotationDaysBeforeExpiry) -
        (jsonData.rotationGraceDays ?? DEFAULT_SETTINGS.rotationGraceDays);

  return (
    <ConfigSection
      title="Certificates"
      description="How certificates are read from Prometheus, when they count as warning or critical, and when a rotation is overdue or a copy was left behind."
    >
      <Field
        label="Default metric version"
        description={
          METRIC_VERSIONS.find((v) => v.value === (jsonData.metricVersion ?? DEFAULT_SETTINGS.metricVersion))
            ?.description
        }
      >
        <RadioButtonGroup
          aria-label="Default metric version"
          // '' ("use the data source default") makes no sense here.
          options={METRIC_VERSIONS.filter((v) => v.value !== '').map(({ value, label, description }) => ({
            value,
            label,
            description,
          }))}
          value={jsonData.metricVersion ?? DEFAULT_SETTINGS.metricVersion}
          onChange={(metricVersion) => setJsonData({ metricVersion: metricVersion || undefined })}
        />
      </Field>
      <Stack direction="row" wrap="wrap" gap={2}>
        {THRESHOLDS.map(({ key, label, description }) => (
          <Field
            key={key}
            label={label}
            description={description}
            invalid={Boolean(errors[key])}
            error={errors[key]}
            htmlFor={`rscerts-${key}`}
          >
            <Input
              id={`rscerts-${key}`}
              type="number"
              min={1}
              step={1}
              width={16}
              placeholder={String(DEFAULT_SETTINGS[key])}
              value={jsonData[key] ?? ''}
              onChange={(e) => onDaysChange(key, e.currentTarget.value)}
            />
          </Field>
        ))}
      </Stack>
      <Stack direction="row" wrap="wrap" gap={2}>
        {ROTATION.map(({ key, label, description, min, step }) => (
          <Field
            key={key}
            label={label}
            description={description(overdueBelow)}
            invalid={Boolean(errors[key])}
            error={errors[key]}
            htmlFor={`rscerts-${key}`}
          >
            <Input
              id={`rscerts-${key}`}
              type="number"
              min={min}
              max={MAX_DAYS}
              step={step}
              width={16}
              placeholder={String(DEFAULT_SETTINGS[key])}
              value={jsonData[key] ?? ''}
              onChange={(e) => onDaysChange(key, e.currentTarget.value)}
            />
          </Field>
        ))}
      </Stack>
      {DURATIONS.map(({ key, label, description }) => (
        <Field
          key={key}
          label={label}
          description={description}
          invalid={Boolean(errors[key])}
          error={errors[key]}
          htmlFor={`rscerts-${key}`}
        >
          <Input
            id={`rscerts-${key}`}
            width={16}
            placeholder={DEFAULT_SETTINGS[key]}
            value={jsonData[key] ?? ''}
            onChange={(e) => setJsonData({ [key]: e.currentTarget.value.trim() || undefined })}
          />
        </Field>
      ))}
      <Field
        label="Response limit (MB)"
        description="Largest Prometheus answer read for one request; a larger one fails the query with an error instead of filling the plugin's memory."
        invalid={Boolean(errors.responseLimitMB)}
        error={errors.responseLimitMB}
        htmlFor="rscerts-responseLimitMB"
      >
        <Input
          id="rscerts-responseLimitMB"
          type="number"
          min={1}
          max={4096}
          step={1}
          width={16}
          placeholder={String(DEFAULT_SETTINGS.responseLimitMB)}
          value={jsonData.responseLimitMB ?? ''}
          onChange={(e) => setJsonData({ responseLimitMB: toNumber(e.currentTarget.value) })}
        />
      </Field>
    </ConfigSection>
  );
}
