/**
 * What a spec file (or the plugin's `apis` config) holds: the public, documented shape of a
 * REST API's description. `spec.ts` validates it with zod and fills in the defaults.
 */
import type { ColumnType, FilterOperator } from '@nocoflo/sdk';

/** One declared column: a type, or the type with nullability and the encoding of bytes. */
export type RestColumnSpecInput =
  | ColumnType
  | {
      /** The nocoflo column type values are read as. */
      type: ColumnType;
      /** Whether the field may be null or absent (default: yes, except key fields). */
      nullable?: boolean;
      /** How bytes are written in JSON: `base64` (default) or `hex`. */
      encoding?: 'base64' | 'hex';
    };

/** How one filter operator on one column is sent: a query parameter name, or more. */
export type RestFilterParamInput =
  | string
  | {
      /** The query parameter. */
      param: string;
      /** `in` / `notIn` lists: one comma-joined parameter (default) or the parameter repeated. */
      list?: 'comma' | 'repeat';
      /** `isNull` / `isNotNull`: the value sent (default `true`). */
      value?: string;
    };

/** `?page=2&per_page=50`. */
export interface RestPagePagination {
  /** The style. */
  style: 'page';
  /** Page number parameter (default `page`). */
  pageParam?: string;
  /** Page size parameter (default `per_page`). */
  sizeParam?: string;
  /** Number of the first page (default 1). */
  firstPage?: number;
  /** Most rows the API returns per page (default 100). */
  maxPageSize?: number;
}

/** `?offset=100&limit=50`. */
export interface RestOffsetPagination {
  /** The style. */
  style: 'offset';
  /** Offset parameter (default `offset`). */
  offsetParam?: string;
  /** Limit parameter (default `limit`). */
  limitParam?: string;
  /** Most rows the API returns per request (default 100). */
  maxPageSize?: number;
}

/** The next page's URL (or a token) in the body. */
export interface RestCursorPagination {
  /** The style. */
  style: 'cursor';
  /** JSON pointer to the next page's URL, or to a token when `cursorParam` is set. */
  next: string;
  /** With a token: the query parameter it is sent in. */
  cursorParam?: string;
  /** Page size parameter, if the API takes one. */
  sizeParam?: string;
  /** Most rows the API returns per page (default 100). */
  maxPageSize?: number;
}

/** RFC 8288 `Link: <…>; rel="next"` headers. */
export interface RestLinkPagination {
  /** The style. */
  style: 'link';
  /** Page size parameter, if the API takes one. */
  sizeParam?: string;
  /** Most rows the API returns per page (default 100). */
  maxPageSize?: number;
}

/** One answer holds every row. */
export interface RestNoPagination {
  /** The style. */
  style: 'none';
}

/** How a table's pages are reached. */
export type RestPaginationInput =
  | RestPagePagination
  | RestOffsetPagination
  | RestCursorPagination
  | RestLinkPagination
  | RestNoPagination;

/** The sorting an API runs. */
export interface RestSortSpecInput {
  /** The query parameter, e.g. `sort`. */
  param: string;
  /** `prefix`: `-weight,sku` (default); `suffix`: `weight:desc,sku:asc`; `pair`: one key, with `orderParam`. */
  format?: 'prefix' | 'suffix' | 'pair';
  /** For `pair`: the direction parameter (default `order`). */
  orderParam?: string;
  /** Columns the API sorts by, or `*` for all (default). */
  columns?: '*' | string[];
}

/** A foreign key, for views that link records. */
export interface RestForeignKeyInput {
  /** Fields of this table. */
  columns: string[];
  /** The referenced table (a table of the same spec). */
  referencedTable: string;
  /** Its fields, in the same order. */
  referencedColumns: string[];
}

/** One table of an API. */
export interface RestTableSpecInput {
  /** Path under the base URL, e.g. `/tracks`. */
  path: string;
  /** JSON pointer to the rows array of each answer (default `""`: the whole body). */
  rows?: string;
  /** The key field, or fields. */
  key: string | string[];
  /** How pages are reached (default: `none`). */
  pagination?: RestPaginationInput;
  /** JSON pointer to a total row count in the body. */
  total?: string;
  /** Declared columns, in table order; without them, columns are inferred from the first page. */
  columns?: Record<string, RestColumnSpecInput>;
  /** With declared columns, also infer the fields they leave out (default false). */
  inferExtraColumns?: boolean;
  /** Filters the API runs: column → operator → how it is sent. Nothing else is filtered. */
  filters?: Record<string, Partial<Record<FilterOperator, RestFilterParamInput>>>;
  /** The sorting the API runs; without it, sorts are refused. */
  sort?: RestSortSpecInput;
  /** Foreign keys. */
  foreignKeys?: RestForeignKeyInput[];
}

/** A whole API, as a spec file holds it. */
export interface RestSpecInput {
  /** Headers sent with every request, only ever to the API's own host. */
  headers?: Record<string, string>;
  /** Headers whose values come from environment variables: header → variable name. */
  headersFromEnv?: Record<string, string>;
  /** Deadline of one request, headers and body, in ms (default 15,000). */
  timeoutMs?: number;
  /** Retries after 429, 5xx or a network failure (default 3). */
  retries?: number;
  /** Longest wait between retries, in ms (default 30,000). */
  maxRetryDelayMs?: number;
  /** Largest response body accepted, in bytes (default 10 MiB). */
  maxResponseBytes?: number;
  /** The tables, by name. */
  tables: Record<string, RestTableSpecInput>;
}

/** The plugin's config: specs by API base URL, for URLs given without `?spec=`. */
export interface RestPluginConfigInput {
  /** API base URL → spec; a URL uses the spec of the longest base it starts with. */
  apis?: Record<string, RestSpecInput>;
}
