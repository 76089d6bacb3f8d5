import { readFileSync } from 'fs';
import { join } from 'path';
import React, { useState } from 'react';
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

/** Grafana's settings page: it keeps what the editor reports; Save sends the last of it. */
function Page({ initial, onChange }: { initial: Settings; onChange: (settings: Settings) => void }) {
  const [options, setOptions] = useState(initial);
  return (
    <ConfigEditor
      options={options}
      onOptionsChange={(next) => {
        onChange(next);
        setOptions(next);
      }}
    />
  );
}

const type = (element: HTMLElement, value: string) => fireEvent.change(element, { target: { value } });

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

  it('links the Redis page that plugin.json names as the documentation', () => {
    setup();
    const pluginJson = JSON.parse(readFileSync(join(__dirname, '../../plugin.json'), 'utf8'));
    const docs = 'https://redis.io/docs/latest/operate/rs/security/certificates/monitor-certificates/';
    expect(pluginJson.info.links[0].url).toBe(docs);
    expect(screen.getByRole('link', { name: 'view the documentation' })).toHaveAttribute('href', docs);
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

  it('stores the response limit in MB (backend default 64)', () => {
    const { lastSettings } = setup();
    const field = screen.getByLabelText(/^Response limit \(MB\)/);
    expect(field).toHaveAttribute('placeholder', '64');
    type(field, '256');
    expect(lastSettings().jsonData).toEqual({ responseLimitMB: 256 });
  });

  it('stores an emptied response limit as unset', () => {
    const { lastSettings } = setup({ jsonData: { responseLimitMB: 128 } });
    type(screen.getByLabelText(/^Response limit \(MB\)/), '');
    expect(lastSettings().jsonData).toEqual({ responseLimitMB: undefined });
  });

  it.each([0, 4097, 1.5])('explains a response limit of %p MB the backend would refuse', (responseLimitMB) => {
    setup({ jsonData: { responseLimitMB } });
    expect(screen.getByText('Enter a whole number of MB between 1 and 4096.')).toBeInTheDocument();
  });

  it('shows the rotation and drift settings with the backend defaults as placeholders', () => {
    setup();
    expect(screen.getByLabelText(/^Rotation point \(days before expiry\)/)).toHaveAttribute('placeholder', '60');
    expect(screen.getByLabelText(/^Rotation grace \(days\)/)).toHaveAttribute('placeholder', '2');
    expect(screen.getByLabelText(/^Drift tolerance \(days\)/)).toHaveAttribute('placeholder', '1');
    expect(screen.getByText(/Redis Software's expiry_days_before_rotation/)).toBeInTheDocument();
    expect(screen.getByText(/below rotation point − grace days \(58\) is "rotation overdue"/)).toBeInTheDocument();
    expect(screen.getByText(/newest copy of the same certificate in its cluster was left behind/)).toBeInTheDocument();
  });

  it('stores the rotation and drift settings as numbers, and an emptied field as unset', () => {
    const { lastSettings } = setup({ jsonData: { driftDays: 3 } });
    type(screen.getByLabelText(/^Rotation point/), '90');
    expect(lastSettings().jsonData).toEqual({ driftDays: 3, rotationDaysBeforeExpiry: 90 });
    type(screen.getByLabelText(/^Rotation grace/), '0');
    expect(lastSettings().jsonData).toEqual({ driftDays: 3, rotationGraceDays: 0 });
    type(screen.getByLabelText(/^Drift tolerance/), '0.5');
    expect(lastSettings().jsonData).toEqual({ driftDays: 0.5 });
    type(screen.getByLabelText(/^Drift tolerance/), '');
    expect(lastSettings().jsonData).toEqual({ driftDays: undefined });
  });

  it('says below how many days rotation is overdue with the values entered', () => {
    setup({ jsonData: { rotationDaysBeforeExpiry: 30, rotationGraceDays: 5 } });
    expect(screen.getByText(/below rotation point − grace days \(25\) is "rotation overdue"/)).toBeInTheDocument();
  });

  it.each([
    [{ rotationDaysBeforeExpiry: 0 }, 'Enter a whole number of days greater than 0.'],
    [{ rotationDaysBeforeExpiry: 36501 }, 'Enter at most 36500 days.'],
    [{ rotationGraceDays: -1 }, 'Enter a whole number of days, 0 or more.'],
    [{ rotationGraceDays: 60 }, 'Grace (60 days) must be less than the rotation point (60 days).'],
    [
      { rotationDaysBeforeExpiry: 10, rotationGraceDays: 12 },
      'Grace (12 days) must be less than the rotation point (10 days).',
    ],
    [{ driftDays: 0 }, 'Enter a number of days greater than 0, e.g. 1 or 0.5.'],
  ])('explains rotation settings %p the backend would refuse', (jsonData, message) => {
    setup({ jsonData });
    expect(screen.getByText(message)).toBeInTheDocument();
    // the message stands under its own field: the closest element holding both has no other input
    const key = Object.keys(jsonData).at(-1)!;
    let field = document.getElementById(`rscerts-${key}`)!;
    while (!field.textContent?.includes(message)) {
      field = field.parentElement!;
    }
    expect(field.querySelectorAll('input')).toHaveLength(1);
  });

  it('saves every field as edited, for the SDK and the backend to read', () => {
    const onChange = jest.fn();
    render(<Page initial={settings()} onChange={onChange} />);

    type(screen.getByPlaceholderText('http://prometheus:9090'), 'https://prom.example.com:9090');
    // Authentication: basic auth, then every TLS option.
    fireEvent.keyDown(document.getElementById('auth-method-select')!, { key: 'ArrowDown' });
    fireEvent.click(screen.getByText('Basic authentication'));
    type(screen.getByPlaceholderText('User'), 'grafana');
    type(screen.getByPlaceholderText('Password'), 's3cret');
    for (const name of [/self-signed certificate/i, /TLS client authentication/i, /Skip TLS certificate validation/i]) {
      fireEvent.click(screen.getByRole('checkbox', { name }));
    }
    type(document.getElementById('self-signed-certificate-input')!, 'CA PEM');
    type(screen.getByPlaceholderText('domain.example.com'), 'prom.example.com');
    type(document.getElementById('client-auth-client-certificate-input')!, 'CLIENT PEM');
    type(document.getElementById('client-auth-client-key-input')!, 'KEY PEM');
    // A custom header (a bearer token is one: Authorization = "Bearer <token>").
    fireEvent.click(screen.getByRole('button', { name: 'Expand section HTTP headers' }));
    fireEvent.click(screen.getByRole('button', { name: /Add header/ }));
    type(screen.getByPlaceholderText('X-Custom-Header'), 'X-Scope-OrgID');
    type(screen.getByPlaceholderText('Header value'), 'tenant-a');
    fireEvent.blur(screen.getByPlaceholderText('Header value')); // headers are reported on blur
    // Additional settings: cookies and timeout.
    fireEvent.click(screen.getByRole('button', { name: 'Expand section Additional settings' }));
    const cookies = screen.getByPlaceholderText('New cookie (hit enter to add)');
    type(cookies, 'session');
    fireEvent.keyDown(cookies, { key: 'Enter' });
    type(screen.getByLabelText('Timeout in seconds'), '45');
    // The plugin's own settings.
    fireEvent.click(screen.getByRole('radio', { name: 'v2' }));
    type(screen.getByLabelText(/^User-managed: warning \(days\)/), '60');
    type(screen.getByLabelText(/^User-managed: critical \(days\)/), '21');
    type(screen.getByLabelText(/^Auto-rotated: warning \(days\)/), '50');
    type(screen.getByLabelText(/^Auto-rotated: critical \(days\)/), '10');
    type(screen.getByLabelText(/^Missing-series lookback/), '2h30m');
    type(screen.getByLabelText(/^Cache/), '30s');
    type(screen.getByLabelText(/^Response limit \(MB\)/), '256');
    type(screen.getByLabelText(/^Rotation point \(days before expiry\)/), '45');
    type(screen.getByLabelText(/^Rotation grace \(days\)/), '0');
    type(screen.getByLabelText(/^Drift tolerance \(days\)/), '2');

    expect(
      screen.queryByText(
        /must not exceed|must be less|whole number|Enter at most|greater than 0|Prometheus duration;|Must be between/
      )
    ).toBeNull();
    const saved: Settings = onChange.mock.calls.at(-1)[0];
    expect(saved).toEqual({
      ...settings(),
      url: 'https://prom.example.com:9090',
      basicAuth: true,
      basicAuthUser: 'grafana',
      withCredentials: false,
      jsonData: {
        oauthPassThru: false,
        tlsAuthWithCACert: true,
        tlsAuth: true,
        tlsSkipVerify: true,
        serverName: 'prom.example.com',
        httpHeaderName1: 'X-Scope-OrgID',
        keepCookies: ['session'],
        timeout: 45,
        metricVersion: 'v2',
        userManagedWarningDays: 60,
        userManagedCriticalDays: 21,
        autoRotatedWarningDays: 50,
        autoRotatedCriticalDays: 10,
        missingLookback: '2h30m',
        cacheTTL: '30s',
        responseLimitMB: 256,
        rotationDaysBeforeExpiry: 45,
        rotationGraceDays: 0,
        driftDays: 2,
      },
      secureJsonData: {
        basicAuthPassword: 's3cret',
        tlsCACert: 'CA PEM',
        tlsClientCert: 'CLIENT PEM',
        tlsClientKey: 'KEY PEM',
        httpHeaderValue1: 'tenant-a',
      },
    });
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
