/**
 * `@nocoflo/sdk`: the contracts a nocoflo plugin is written against.
 *
 * - {@link definePlugin}, {@link defineView}, {@link defineDatasource}: typed helpers for a plugin's parts.
 * - {@link PluginContext}: the one door between a plugin and the host; {@link PluginDatabase} is its own data.
 * - {@link secret}: marks a config field as secret (encrypted at rest, write-only, redacted).
 * - {@link NocofloHooks}: the typed tapable hooks plugins tap.
 * - {@link Datasource}, {@link ViewDefinition}, {@link TableSchema}: the data contracts.
 * - {@link pluginManifestSchema}: the zod schema of the package.json `nocoflo` field.
 * - {@link NocofloError} and {@link Errors}: one error class, a catalog of stable codes.
 *
 * @packageDocumentation
 */

export type {
  PluginDatabase,
  PluginDatabaseDialect,
  PluginQueryResult,
  PluginStatement,
  SqlValue,
} from './database/types.js';
export { defineDatasource } from './datasource/define.js';
export {
  hasBatchRead,
  type RowBatch,
  type RowBatchIterator,
  readRowBatch,
} from './datasource/row-batches.js';
export { type RowMaker, rowMaker } from './datasource/row-maker.js';
export { assertRowVersion, rowVersion } from './datasource/row-version.js';
export { rowVersionsOfJson } from './datasource/row-versions-json.js';
export {
  foldAsciiCase,
  MAX_SEARCH_WORDS,
  matchesSearch,
  matchesText,
  searchWords,
  type TextMatchOperator,
} from './datasource/text-match.js';
export {
  type AggregateFunction,
  type AggregateQuery,
  type AggregateResult,
  type CellValue,
  COLUMN_TYPES,
  type ColumnSchema,
  type ColumnType,
  type ConnectionInfo,
  type Datasource,
  type DatasourceCapabilities,
  type DatasourceDefinition,
  type DatasourceOpenOptions,
  FILTER_OPERATORS,
  type Filter,
  type FilterCondition,
  type FilterGroup,
  type FilterOperator,
  type ForeignKey,
  type GroupBySpec,
  isFilterGroup,
  MAX_FILTER_DEPTH,
  type MeasureSpec,
  NUMERIC_COLUMN_TYPES,
  type Page,
  type ReadPageOptions,
  type Row,
  type RowKey,
  type SortDirection,
  type SortSpec,
  type StreamOptions,
  type TableInfo,
  type TableSchema,
  type TableSearch,
  TEMPORAL_COLUMN_TYPES,
  type TimeBucket,
  type WriteOptions,
} from './datasource/types.js';
export { Errors } from './errors/catalog.js';
export {
  defineError,
  type ErrorDefinition,
  errorMessage,
  isNocofloError,
  NocofloError,
  type NocofloErrorOptions,
  type SerializedNocofloError,
} from './errors/nocoflo-error.js';
export type {
  HostStartedEvent,
  PluginStateChange,
  QueryEvent,
  QueryOutcome,
  ViewCandidate,
  ViewCandidatesContext,
  WriteEvent,
  WriteOutcome,
  WriteVeto,
} from './hooks/events.js';
export {
  createHooks,
  HOOK_KINDS,
  HOOK_NAMES,
  type HookArgs,
  type HookKind,
  type HookName,
  type HookResult,
  isHookName,
  type NocofloHooks,
  type TapFn,
} from './hooks/specs.js';
export { silentLogger } from './logger.js';
export { packagePathProblem } from './manifest/package-path.js';
export {
  contributionKindSchema,
  formatIssues,
  manifestJsonSchema,
  PLUGIN_KEYWORD,
  type PluginManifest,
  type PluginManifestInput,
  type PluginPackageJson,
  type PluginPermissions,
  pluginManifestSchema,
  pluginPackageJsonSchema,
  pluginPermissionsSchema,
} from './manifest/schema.js';
export type {
  CleanupFn,
  Disposer,
  NocofloServices,
  PluginContext,
  RouteDefinition,
  RouteMethod,
  RouteRequest,
  RouteResponse,
  ServiceName,
  ServiceRegistry,
  ServiceType,
  TapOptions,
} from './plugin/context.js';
export {
  type DeclaredTaps,
  definePlugin,
  isPlugin,
  type LifecycleCallback,
  type NocofloPlugin,
  type PluginDefinition,
} from './plugin/define.js';
export { SECRET_KEYWORD, secret, secretPaths } from './plugin/secret.js';
export {
  type IsolationLevel,
  type Logger,
  type PermissionDefinition,
  PLUGIN_STATES,
  type PluginInfo,
  type PluginRuntimeInfo,
  type PluginSource,
  type PluginState,
} from './plugin/types.js';
export { isCredentialName, REDACTED_CREDENTIAL, redactCredentials, redactUrl } from './redact/redact.js';
export {
  canonicalTemporal,
  canonicalTime,
  canonicalTimestamp,
  displayText,
  isCalendarDate,
  parseBooleanText,
  VALUE_EXAMPLES,
} from './values/codec.js';
export { defineView } from './view/define.js';
export { escapeHtml } from './view/escape.js';
export {
  coerceFilterText,
  combineConditions,
  isFilterParam,
  MAX_URL_FILTERS,
  type ParsedUrlFilter,
  parseUrlFilter,
  type UrlFilter,
  type UrlFilterState,
  urlFilterCondition,
  urlFilterParams,
} from './view/filter-params.js';
export { html, isSafeHtml, joinHtml, type SafeHtml, unsafeRawHtml } from './view/html.js';
export type {
  ViewDataAccess,
  ViewDefinition,
  ViewRenderInput,
  ViewRenderResult,
  ViewSettings,
  ViewUrls,
} from './view/types.js';
