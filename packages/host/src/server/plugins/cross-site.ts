/**
 * Cross-site protection, as a Fastify plugin that applies to every route of the server:
 *
 * - every request's `Host` must be a name the operator allows (loopback names by default),
 *   so a DNS-rebinding page (`evil.example` resolving to 127.0.0.1) reaches nothing;
 * - a mutating request (anything but GET, HEAD, OPTIONS) whose `Origin` names another
 *   host, or whose `Sec-Fetch-Site` says `cross-site`, is refused before any handler runs.
 *
 * Requests without an `Origin` (curl, scripts, server-to-server) pass this check; they still
 * need a session with a CSRF token or an API token to change anything.
 */
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Host names every server answers: the loopback names. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** Options of {@link crossSitePlugin}. */
export interface CrossSiteOptions {
  /**
   * Host names (without port) the server answers besides the loopback names, e.g. the
   * server's public name. `*` answers any name (only behind a proxy that checks it).
   */
  allowedHosts?: readonly string[] | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The host name of a `Host` header value, lower-cased, without port or IPv6 brackets. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']') > 0 ? value.indexOf(']') : undefined);
  const colon = value.lastIndexOf(':');
  // More than one colon and no brackets: a bare IPv6 address, which has no port.
  if (colon > 0 && value.indexOf(':') === colon) return value.slice(0, colon);
  return value;
}

/** Normalises an operator-given name the way {@link hostName} reads headers. */
function normaliseAllowed(name: string): string {
  const trimmed = name.trim().toLowerCase();
  return trimmed === '*' ? '*' : hostName(trimmed);
}

/** Whether `name` is allowed: listed, a `*.localhost` name, or anything under `*`. */
function isAllowed(name: string, allowed: ReadonlySet<string>): boolean {
  return allowed.has('*') || allowed.has(name) || name.endsWith('.localhost');
}

/** The `host[:port]` an `Origin` header names, or undefined for `null` and unparsable ones. */
function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

function checkRequest(request: FastifyRequest, allowed: ReadonlySet<string>, shown: readonly string[]): void {
  const hostHeader = request.headers.host ?? '';
  const name = hostName(hostHeader);
  if (!isAllowed(name, allowed)) throw NocofloError.create(Errors.HostNotAllowed, [name || '(none)', shown]);
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (originHost(origin) !== hostHeader.trim().toLowerCase()) {
      throw NocofloError.create(Errors.CrossSiteRefused, [origin, hostHeader]);
    }
    return;
  }
  if (request.headers['sec-fetch-site'] === 'cross-site') {
    throw NocofloError.create(Errors.CrossSiteRefused, ['another site', hostHeader]);
  }
}

/**
 * Registers the Host and Origin checks on every route of the server (the plugin is not
 * encapsulated: its hook runs first for every request).
 */
export const crossSitePlugin = fp<CrossSiteOptions>(
  async (app: FastifyInstance, options: CrossSiteOptions) => {
    const names = [...LOOPBACK_HOSTS, ...(options.allowedHosts ?? []).map(normaliseAllowed)];
    const allowed = new Set(names);
    const shown = [...new Set(names)];
    app.addHook('onRequest', async (request) => checkRequest(request, allowed, shown));
  },
  { name: 'nocoflo-cross-site', fastify: '5.x' },
);
