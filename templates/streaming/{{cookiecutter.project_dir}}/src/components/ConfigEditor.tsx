import React, { ChangeEvent } from 'react';
import { InlineField, Input, SecretInput } from '@grafana/ui';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';

import { MyDataSourceOptions, MySecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<MyDataSourceOptions, MySecureJsonData>;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;
  const secureJsonData = (options.secureJsonData || {}) as MySecureJsonData;

  const onIntervalChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, jsonData: { ...jsonData, interval: parseFloat(event.target.value) } });
  };

  // The API key is a secure field: Grafana encrypts it and only the backend can read it.
  const onApiKeyChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, secureJsonData: { apiKey: event.target.value } });
  };

  const onResetApiKey = () => {
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiKey: false },
      secureJsonData: { ...secureJsonData, apiKey: '' },
    });
  };

  return (
    <>
      <InlineField label="Interval (s)" labelWidth={14} tooltip="Seconds between two streamed points">
        <Input id="config-editor-interval" type="number" step="0.1" onChange={onIntervalChange} value={jsonData.interval ?? 1} width={10} />
      </InlineField>
      <InlineField label="API key" labelWidth={14} tooltip="Readable by the backend only">
        <SecretInput
          required
          id="config-editor-api-key"
          isConfigured={Boolean(secureJsonFields?.apiKey)}
          value={secureJsonData.apiKey || ''}
          placeholder="Enter your API key"
          width={40}
          onReset={onResetApiKey}
          onChange={onApiKeyChange}
        />
      </InlineField>
    </>
  );
}
