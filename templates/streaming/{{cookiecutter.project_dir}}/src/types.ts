import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** One query: the stream to watch; the backend answers with the Live channel `ds/<uid>/live/<stream>`. */
export interface MyQuery extends DataQuery {
  stream: string;
}

export const DEFAULT_QUERY: Partial<MyQuery> = {
  stream: 'signal',
};

/** Plain settings (`jsonData`), read by the backend as its `JsonData` dataclass. */
export interface MyDataSourceOptions extends DataSourceJsonData {
  interval?: number;
}

/** Secret settings (`secureJsonData`): sent to Grafana once, then only the backend can read them. */
export interface MySecureJsonData {
  apiKey?: string;
}
