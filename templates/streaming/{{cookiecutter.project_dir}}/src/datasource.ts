import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import { DEFAULT_QUERY, MyDataSourceOptions, MyQuery } from './types';

/**
 * Queries go to the Python backend; its answer carries `meta.channel`, and DataSourceWithBackend then subscribes
 * to that Grafana Live channel, so the panel keeps updating with the frames the backend streams.
 */
export class DataSource extends DataSourceWithBackend<MyQuery, MyDataSourceOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<MyDataSourceOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(_: CoreApp): Partial<MyQuery> {
    return DEFAULT_QUERY;
  }

  applyTemplateVariables(query: MyQuery, scopedVars: ScopedVars) {
    return { ...query, stream: getTemplateSrv().replace(query.stream, scopedVars) };
  }

  filterQuery(query: MyQuery): boolean {
    return Boolean(query.stream);
  }
}
