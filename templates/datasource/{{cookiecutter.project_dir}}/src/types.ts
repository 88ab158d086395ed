import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** One query, as saved by the query editor; the backend reads it as its `Query` dataclass. */
export interface MyQuery extends DataQuery {
  queryText?: string;
  constant: number;
}

export const DEFAULT_QUERY: Partial<MyQuery> = {
  constant: 6.5,
};

/** Plain settings (`jsonData`), read by the backend as its `JsonData` dataclass. */
export interface MyDataSourceOptions extends DataSourceJsonData {
  url?: string;
  timeout?: number;
}

/** Secret settings (`secureJsonData`): sent to Grafana once, then only the backend can read them. */
export interface MySecureJsonData {
  apiKey?: string;
}
