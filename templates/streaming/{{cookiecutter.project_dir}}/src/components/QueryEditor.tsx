import React, { ChangeEvent } from 'react';
import { InlineField, Input } from '@grafana/ui';
import { QueryEditorProps } from '@grafana/data';

import { DataSource } from '../datasource';
import { MyDataSourceOptions, MyQuery } from '../types';

type Props = QueryEditorProps<DataSource, MyQuery, MyDataSourceOptions>;

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const onStreamChange = (event: ChangeEvent<HTMLInputElement>) => {
    onChange({ ...query, stream: event.target.value });
  };

  return (
    <InlineField label="Stream" labelWidth={12} tooltip="Name of the stream; the channel is ds/<uid>/live/<stream>">
      <Input id="query-editor-stream" onChange={onStreamChange} onBlur={onRunQuery} value={query.stream || ''} placeholder="signal" width={30} />
    </InlineField>
  );
}
