/**
 * `@nocoflo/rest-datasource`: JSON REST APIs as read-only nocoflo tables. Opens `http:` and
 * `https:` URLs with a table spec (`?spec=./tables.json`, or the plugin's `apis` config).
 *
 * @packageDocumentation
 */
import { definePlugin } from '@nocoflo/sdk';
import { restDatasourceDefinition } from './definition.js';
import { restPluginConfigSchema } from './spec.js';

export { RestDatasource } from './datasource.js';
export { openRest, type RestOpenOptions, redactRestUrl, restDatasourceDefinition } from './definition.js';
export { type HttpOptions, type JsonResponse, RestHttpClient, retryAfterMs } from './http.js';
export type {
  RestColumnSpecInput,
  RestCursorPagination,
  RestFilterParamInput,
  RestForeignKeyInput,
  RestLinkPagination,
  RestNoPagination,
  RestOffsetPagination,
  RestPagePagination,
  RestPaginationInput,
  RestPluginConfigInput,
  RestSortSpecInput,
  RestSpecInput,
  RestTableSpecInput,
} from './spec-types.js';

/**
 * The plugin: registers the `rest` datasource for `http:` and `https:` URLs, with the specs
 * of its config (`{ "apis": { "https://api.example.com/v1": { "tables": { … } } } }`).
 */
export default definePlugin({
  config: restPluginConfigSchema,
  setup(ctx) {
    ctx.registerDatasource(restDatasourceDefinition(ctx.config.apis));
  },
});
