/**
 * The table spec of a REST API: where each table's rows live, how its pages are reached,
 * which columns it has and which filters and sorts the API itself runs. Validated with zod,
 * so a wrong spec fails at open with the path of what is wrong.
 */
import { COLUMN_TYPES, type ColumnType, FILTER_OPERATORS, type FilterOperator } from '@nocoflo/sdk';
import { z } from 'zod';

const columnType = z.enum(COLUMN_TYPES as unknown as [ColumnType, ...ColumnType[]]);
const operator = z.enum(FILTER_OPERATORS as unknown as [FilterOperator, ...FilterOperator[]]);

/** A JSON pointer (RFC 6901): `""` is the whole document, `/data/items` a member. */
const pointer = z
  .string()
  .refine((text) => text === '' || text.startsWith('/'), 'a JSON pointer is "" or starts with "/"');

/** One declared column: a type, or the type with nullability and binary encoding. */
const columnSpec = z.union([
  columnType,
  z.object({
    type: columnType,
    nullable: z.boolean().optional(),
    /** Binary values arrive as base64 (default) or hex text. */
    encoding: z.enum(['base64', 'hex']).optional(),
  }),
]);

/** How one filter operator on one column is sent: a query parameter (and, for lists, how). */
const filterParam = z.union([
  z.string().min(1),
  z.object({
    param: z.string().min(1),
    /** `in` / `notIn` lists: one parameter with comma-joined values (default), or the parameter repeated. */
    list: z.enum(['comma', 'repeat']).optional(),
    /** `isNull` / `isNotNull`: the value to send (default `true`). */
    value: z.string().optional(),
  }),
]);

/**
 * How a table's pages are reached. `maxPageSize` is the most rows the API returns per
 * request (default 100): nocoflo never asks for more, so a shorter page means the last.
 */
const pagination = z.discriminatedUnion('style', [
  z.object({
    /** `?page=2&per_page=50` */
    style: z.literal('page'),
    pageParam: z.string().default('page'),
    sizeParam: z.string().default('per_page'),
    firstPage: z.number().int().min(0).default(1),
    maxPageSize: z.number().int().positive().default(100),
  }),
  z.object({
    /** `?offset=100&limit=50` */
    style: z.literal('offset'),
    offsetParam: z.string().default('offset'),
    limitParam: z.string().default('limit'),
    maxPageSize: z.number().int().positive().default(100),
  }),
  z.object({
    /** The next page's URL (or a token for `cursorParam`) in the body, at `next`. */
    style: z.literal('cursor'),
    next: pointer,
    cursorParam: z.string().optional(),
    sizeParam: z.string().optional(),
    maxPageSize: z.number().int().positive().default(100),
  }),
  z.object({
    /** RFC 8288 `Link: <…>; rel="next"` headers. */
    style: z.literal('link'),
    sizeParam: z.string().optional(),
    maxPageSize: z.number().int().positive().default(100),
  }),
  z.object({ style: z.literal('none') }),
]);

const sortSpec = z.object({
  /** The query parameter, e.g. `sort`. */
  param: z.string().min(1),
  /**
   * `prefix`: `sort=-weight,sku` (minus for descending, several keys); `suffix`:
   * `sort=weight:desc,sku:asc`; `pair`: one key, `sort=weight&order=desc`.
   */
  format: z.enum(['prefix', 'suffix', 'pair']).default('prefix'),
  /** For `pair`: the direction parameter. */
  orderParam: z.string().default('order'),
  /** Columns the API sorts by; `*` for all. */
  columns: z.union([z.literal('*'), z.array(z.string())]).default('*'),
});

const tableSpec = z.object({
  /** Path under the base URL, e.g. `/tracks`. */
  path: z.string().min(1),
  /** JSON pointer to the rows array in each response (default: the whole body). */
  rows: pointer.default(''),
  /** The key field, or fields (a composite key). */
  key: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  pagination: pagination.default({ style: 'none' }),
  /** JSON pointer to a total row count in the body, shown as an estimate. */
  total: pointer.optional(),
  /** Declared columns, in table order. Without them, columns are inferred from the first page. */
  columns: z.record(z.string(), columnSpec).optional(),
  /** With declared columns: also infer the fields they leave out (appended). Default false. */
  inferExtraColumns: z.boolean().default(false),
  /** Filters the API runs: column → operator → query parameter. Nothing else is filtered. */
  filters: z.record(z.string(), z.partialRecord(operator, filterParam)).default({}),
  /** Sorting the API runs. Without it, pages come in the API's order and sorts are refused. */
  sort: sortSpec.optional(),
  /** Foreign keys, for views that link records. */
  foreignKeys: z
    .array(
      z.object({
        columns: z.array(z.string()).min(1),
        referencedTable: z.string(),
        referencedColumns: z.array(z.string()).min(1),
      }),
    )
    .default([]),
});

/** The spec of a whole API. */
export const restSpecSchema = z.object({
  /** Headers sent with every request to the API's own host (e.g. `Authorization`), never elsewhere. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Headers whose value comes from an environment variable: header → variable name. */
  headersFromEnv: z.record(z.string(), z.string()).default({}),
  /** Milliseconds a request (headers and body) may take. Default 15,000. */
  timeoutMs: z.number().int().positive().default(15_000),
  /** Retries after a 429, a 5xx or a network failure (with backoff, honouring Retry-After). Default 3. */
  retries: z.number().int().min(0).max(10).default(3),
  /** The longest wait between retries, in ms, whatever Retry-After says. Default 30,000. */
  maxRetryDelayMs: z.number().int().min(0).default(30_000),
  /** The largest response body accepted, in bytes. Default 10 MiB. */
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** Tables by name. */
  tables: z.record(z.string(), tableSpec),
});

/** @internal A validated API spec (defaults filled in). */
export type RestSpec = z.output<typeof restSpecSchema>;
/** A validated table spec. */
export type RestTableSpec = z.output<typeof tableSpec>;
/** One declared column. */
export type RestColumnSpec = z.output<typeof columnSpec>;
/** A validated pagination spec. */
export type RestPagination = z.output<typeof pagination>;
/** How one filter is sent. */
export type RestFilterParam = z.output<typeof filterParam>;

/** The plugin's config: specs by base URL, for URLs given without `?spec=`. */
export const restPluginConfigSchema = z
  .object({
    /** API base URL → spec. A datasource URL uses the spec of the longest base it starts with. */
    apis: z.record(z.string(), restSpecSchema).default({}),
  })
  .default({ apis: {} });

/** The plugin's validated config. */
export type RestPluginConfig = z.output<typeof restPluginConfigSchema>;

/** Zod's issues as one line: `tables.tracks.key: Required; …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(spec)'}: ${issue.message}`)
    .join('; ');
}
