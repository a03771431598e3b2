/**
 * The SDK as an isolated plugin's worker or process loads it (the package's
 * `nocoflo-isolated` export condition, which the host's isolated runtimes set): the same
 * exports as `index.ts`, but the manifest schemas, and zod and semver with them, are built on
 * first use (`manifest/schema-lazy.ts`). Types always come from `index.d.ts`; a test keeps
 * the two entries' exports the same.
 */

export type {
  PluginDatabase,
  PluginDatabaseDialect,
  PluginQueryResult,
  PluginStatement,
  SqlValue,
} from './database/types.js';
export { defineDatasource } from './datasource/define.js';
export { assertRowVersion, rowVersion } from './datasource/row-version.js';
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
} from './manifest/schema-lazy.js';
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
