import React from 'react';
import { DataSourceSettings } from '@grafana/data';
import { fireEvent, render, screen } from '@testing-library/react';

import { RsCertsOptions, RsCertsSecureOptions } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Settings = DataSourceSettings<RsCertsOptions, RsCertsSecureOptions>;

function settings(patch: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'rscerts',
    orgId: 1,
    name: 'rscerts',
    type: 'seed-rscerts-datasource',
    typeName: 'Redis Software Certificates',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData: {},
    secureJsonFields: {},
    ...patch,
  } as Settings; // `database` is deprecated and left out
}

function setup(patch: Partial<Settings> = {}) {
  const onOptionsChange = jest.fn();
  const options = settings(patch);
  render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
  const lastSettings = (): Settings => onOptionsChange.mock.calls.at(-1)[0];
  return { onOptionsChange, options, lastSettings };
}

describe('ConfigEditor', () => {
  it('renders connection, auth, advanced and certificate sections', () => {
    setup();
    expect(screen.getAllByText(/Prometheus URL/)[0]).toBeInTheDocument();
    expect(screen.getByText('Authentication')).toBeInTheDocument();
    expect(screen.getByText('Additional settings')).toBeInTheDocument();
    expect(screen.getByText('Certificates')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Missing-series lookback/)).toHaveAttribute('placeholder', '1h');
    expect(screen.getByLabelText(/^User-managed: warning \(days\)/)).toHaveAttribute('placeholder', '30');
  });

  it('stores the Prometheus URL', () => {
    const { lastSettings } = setup();
    fireEvent.change(screen.getByPlaceholderText('http://prometheus:9090'), {
      target: { value: 'http://prom:9090' },
    });
    expect(lastSettings().url).toBe('http://prom:9090');
  });

  it('stores thresholds as numbers, and an emptied field as unset (backend default)', () => {
    const { lastSettings } = setup({ jsonData: { autoRotatedWarningDays: 60 } });
    fireEvent.change(screen.getByLabelText(/^User-managed: critical \(days\)/), { target: { value: '7' } });
    expect(lastSettings().jsonData).toEqual({ autoRotatedWarningDays: 60, userManagedCriticalDays: 7 });
    fireEvent.change(screen.getByLabelText(/^Auto-rotated: warning \(days\)/), { target: { value: '' } });
    expect(lastSettings().jsonData).toEqual({ autoRotatedWarningDays: undefined });
  });

  it('stores the default metric version and the lookback', () => {
    const { lastSettings } = setup();
    expect(screen.getByRole('radio', { name: 'Auto' })).toBeChecked();
    fireEvent.click(screen.getByRole('radio', { name: 'v1' }));
    expect(lastSettings().jsonData).toEqual({ metricVersion: 'v1' });
    fireEvent.change(screen.getByLabelText(/^Missing-series lookback/), { target: { value: '2h30m' } });
    expect(lastSettings().jsonData).toEqual({ missingLookback: '2h30m' });
  });

  it('stores the cache TTL and explains a value the backend would refuse', () => {
    const { lastSettings } = setup();
    fireEvent.change(screen.getByLabelText(/^Cache/), { target: { value: '0s' } });
    expect(lastSettings().jsonData).toEqual({ cacheTTL: '0s' });
    setup({ jsonData: { cacheTTL: '1h' } });
    expect(screen.getByText('Must be between 0s and 5m.')).toBeInTheDocument();
  });

  it('shows validation messages under the fields', () => {
    setup({
      jsonData: {
        userManagedWarningDays: 10,
        userManagedCriticalDays: 20,
        autoRotatedWarningDays: -3,
        missingLookback: '1 hour',
      },
    });
    expect(screen.getByText('Critical (20 days) must not exceed warning (10 days).')).toBeInTheDocument();
    expect(screen.getByText('Enter a whole number of days greater than 0.')).toBeInTheDocument();
    expect(
      screen.getByText('"1 hour" is not a Prometheus duration; use e.g. 30m, 1h, 2h30m or 1d.')
    ).toBeInTheDocument();
  });

  it('shows no message for valid settings', () => {
    setup({ jsonData: { userManagedWarningDays: 20, userManagedCriticalDays: 10, missingLookback: '1d' } });
    expect(screen.queryByText(/must not exceed|whole number|Prometheus duration;/)).not.toBeInTheDocument();
  });

  it('never reads secrets back, only shows that they are configured', () => {
    setup({
      basicAuth: true,
      basicAuthUser: 'grafana',
      secureJsonFields: { basicAuthPassword: true },
      // what Grafana never sends, but must not appear even if it did
      secureJsonData: { basicAuthPassword: 'hunter2' },
    });
    expect(screen.getByDisplayValue('grafana')).toBeInTheDocument();
    expect(screen.queryByDisplayValue('hunter2')).not.toBeInTheDocument();
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
  });
});
