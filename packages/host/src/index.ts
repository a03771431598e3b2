/**
 * `@nocoflo/host`: the nocoflo plugin host.
 *
 * @packageDocumentation
 */
export { createHost } from './create-host.js';
export { type DiscoveredPlugin, discoverPlugins } from './discovery/discover-plugins.js';
export { MemoryStore } from './store/memory-store.js';
export type { PluginStateStore, StoredPluginState } from './store/types.js';
export type {
  DatasourceRegistry,
  HostEvents,
  HostOptions,
  OpenDatasourceOptions,
  PluginHost,
  RegisteredDatasource,
  RegisteredManifest,
  RegisteredRoute,
  ResolvedView,
  RouteRegistry,
  ViewRegistry,
} from './types.js';
export { HOST_VERSION } from './version.js';
