/** Something a plugin added to the host, which the host can take away again. */
export interface Contribution {
  /** What it is, for `PluginInfo.contributions`. */
  readonly kind: 'tap' | 'view' | 'datasource' | 'service' | 'route';
  /** Its name (hook name, view name, …). */
  readonly name: string;
  /** Makes it reachable. May throw (name conflict). */
  attach(): void;
  /** Makes it unreachable. */
  detach(): void | Promise<void>;
}
