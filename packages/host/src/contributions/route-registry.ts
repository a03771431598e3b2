/**
 * HTTP routes plugins register through their context. The server looks routes up here on
 * every request, so a disabled plugin's routes are gone at once.
 */
import type { PermissionDefinition, RouteDefinition } from '@nocoflo/sdk';
import type { RegisteredRoute, RouteRegistry } from '../types.js';

interface RouteEntry extends RegisteredRoute {
  segments: string[];
}

const split = (path: string) => path.split('/').filter((segment) => segment.length > 0);

/** Matches `/a/:id/*` style patterns against a path; returns the parameters or undefined. */
export function matchPath(pattern: readonly string[], path: string): Record<string, string> | undefined {
  const parts = split(path);
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const segment = pattern[i]!;
    if (segment === '*') {
      params['*'] = parts.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(part);
    else if (segment !== part) return undefined;
  }
  return parts.length === pattern.length ? params : undefined;
}

/** The host's route registry. */
export class RouteRegistryImpl implements RouteRegistry {
  readonly #routes: RouteEntry[] = [];

  constructor(private readonly declaredPermissions: () => (PermissionDefinition & { plugin: string })[]) {}

  /** Adds a route of `plugin`. */
  add(plugin: string, route: RouteDefinition): void {
    this.#routes.push({ plugin, route, segments: split(route.path) });
  }

  /** Removes a route of `plugin`. */
  remove(plugin: string, route: RouteDefinition): void {
    const index = this.#routes.findIndex((entry) => entry.plugin === plugin && entry.route === route);
    if (index !== -1) this.#routes.splice(index, 1);
  }

  match(plugin: string, method: string, path: string) {
    const upper = method.toUpperCase();
    for (const entry of this.#routes) {
      if (entry.plugin !== plugin || entry.route.method !== upper) continue;
      const params = matchPath(entry.segments, path);
      if (params) return { route: { plugin: entry.plugin, route: entry.route }, params };
    }
    return undefined;
  }

  list(): RegisteredRoute[] {
    return this.#routes.map(({ plugin, route }) => ({ plugin, route }));
  }

  permissions() {
    return this.declaredPermissions();
  }
}
