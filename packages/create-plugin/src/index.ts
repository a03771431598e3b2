/**
 * `@nocoflo/create-plugin`: start a nocoflo plugin from an empty folder.
 *
 * Run it as `npm create @nocoflo/plugin@latest my-plugin`; call {@link scaffoldPlugin} to do
 * the same from code.
 *
 * @packageDocumentation
 */
export { type CreateArgs, parseCreateArgs, USAGE } from './args.js';
export {
  PLUGIN_KINDS,
  type PluginKind,
  type ScaffoldOptions,
  type ScaffoldResult,
  scaffoldPlugin,
  slugOf,
} from './scaffold.js';
export { NOCOFLO_VERSIONS, type NocofloVersions } from './versions.js';
