import React from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import {
  AdvancedHttpSettings,
  Auth,
  AuthMethod,
  ConfigSection,
  ConnectionSettings,
  convertLegacyAuthProps,
  DataSourceDescription,
} from '@grafana/plugin-ui';
import { Divider } from '@grafana/ui';

import { RsCertsOptions, RsCertsSecureOptions } from '../types';
import { PluginSettings } from './PluginSettings';

type Props = DataSourcePluginOptionsEditorProps<RsCertsOptions, RsCertsSecureOptions>;

/*
 * Standard Grafana HTTP settings, which the backend applies through the SDK's HTTP client options,
 * followed by the plugin's own section. Secrets are write-only: the Auth components only read the
 * secureJsonFields flags.
 */
export function ConfigEditor(props: Props) {
  const { options, onOptionsChange } = props;

  return (
    <>
      <DataSourceDescription
        dataSourceName="Redis Software Certificates"
        docsLink="https://redis.io/docs/latest/operate/rs/security/certificates/monitor-certificates/"
        hasRequiredFields
      />
      <Divider />
      <ConnectionSettings
        config={options}
        onChange={onOptionsChange}
        urlLabel="Prometheus URL"
        urlPlaceholder="http://prometheus:9090"
        urlTooltip="The Prometheus server that scrapes the Redis Software clusters."
      />
      <Divider />
      <Auth
        {...convertLegacyAuthProps({ config: options, onChange: onOptionsChange })}
        // The backend calls Prometheus itself: browser credentials and OAuth forwarding do not apply.
        // A bearer token is a custom header: Authorization = "Bearer <token>".
        visibleMethods={[AuthMethod.NoAuth, AuthMethod.BasicAuth]}
      />
      <Divider />
      <ConfigSection
        title="Additional settings"
        description="Timeout and cookies for the requests to Prometheus."
        isCollapsible
        isInitiallyOpen={Boolean(options.jsonData.timeout)}
      >
        <AdvancedHttpSettings config={options} onChange={onOptionsChange} />
      </ConfigSection>
      <Divider />
      <PluginSettings {...props} />
    </>
  );
}
