import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** One query, as saved by the query editor; the backend reads it as its `Query` dataclass. */
export interface MyQuery extends DataQuery {
  query_text?: string;
  constant: number;
}

export const DEFAULT_QUERY: Partial<MyQuery> = {
  constant: 6.5,
};

/** Plain settings (`jsonData`), read by the backend as its `JsonData` dataclass. */
export interface MyDataSourceOptions extends DataSourceJsonData {
  url?: string;
  timeout_s?: number;
}

/** Secret settings (`secureJsonData`): sent to Grafana once, then only the backend can read them. */
export interface MySecureJsonData {
  api_key?: string;
}
