/**
 * Throttles guessing of the admin token (and API tokens) per client address, with
 * `@fastify/rate-limit`. Only requests that present a credential that is wrong count; once
 * an address is over the limit, every request from it that presents a credential answers
 * `429 NCF_RATE_LIMITED` with `Retry-After`, the right token included, so a guess that
 * happens to be right is not confirmed while the address is throttled.
 */
import rateLimit from '@fastify/rate-limit';
import { Errors, type Logger, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MetadataStore } from '../store/metadata.js';
import { bearerToken, hashSecret, isAdminToken } from './admin-api/credentials.js';

/** How many failed authentications one client address may make, per window. */
export interface AuthRateLimit {
  /** Failed authentications allowed per address in a window. Default 10. */
  max?: number;
  /** The window, in milliseconds. Default 60,000 (one minute). */
  timeWindowMs?: number;
}

/** The default {@link AuthRateLimit}: 10 failed authentications per address per minute. */
export const DEFAULT_AUTH_RATE_LIMIT: Readonly<Required<AuthRateLimit>> = Object.freeze({
  max: 10,
  timeWindowMs: 60_000,
});

/** What the throttle needs to know about credentials. */
export interface AuthThrottleOptions {
  /** The admin token. */
  adminToken: string;
  /** Where API tokens are looked up (a valid API token is not a failure). */
  store?: Pick<MetadataStore, 'findApiToken'> | undefined;
  /** Where failed authentications and throttled addresses are logged. */
  logger: Logger;
  /** The limit. */
  limit?: AuthRateLimit | undefined;
}

/**
 * Registers the throttle on `app`: an `onRequest` hook that runs before every route's own,
 * in every scope.
 * Registering it twice on one instance is a no-op.
 */
export async function registerAuthThrottle(
  app: FastifyInstance,
  options: AuthThrottleOptions,
): Promise<void> {
  if (app.hasDecorator('rateLimit')) return;
  const max = options.limit?.max ?? DEFAULT_AUTH_RATE_LIMIT.max;
  const timeWindow = options.limit?.timeWindowMs ?? DEFAULT_AUTH_RATE_LIMIT.timeWindowMs;
  // Addresses over the limit: until when. Kept here so that a right token from a throttled
  // address is counted (and refused) like a wrong one.
  const throttled = new Map<string, number>();
  const isThrottled = (ip: string): boolean => {
    const until = throttled.get(ip);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    throttled.delete(ip);
    return false;
  };

  const credentialIsValid = async (request: FastifyRequest): Promise<boolean | undefined> => {
    const header = request.headers.authorization;
    if (header === undefined) return undefined; // no credential: nothing was guessed
    const given = bearerToken(header);
    if (given === undefined) return false;
    if (isAdminToken(given, options.adminToken)) return true;
    return options.store ? (await options.store.findApiToken(hashSecret(given))) !== undefined : false;
  };

  // Not per route (`global: true` hooks each route, after the scopes' own onRequest hooks,
  // where the admin check would answer 401 first): one hook on the root, before all of them.
  await app.register(rateLimit, { global: false });
  const limiter = app.rateLimit({
    max,
    timeWindow,
    keyGenerator: (request) => request.ip,
    allowList: async (request) => {
      const valid = await credentialIsValid(request);
      if (valid === undefined) return true;
      if (valid && !isThrottled(request.ip)) return true;
      if (!valid) {
        options.logger.warn('failed authentication', {
          ip: request.ip,
          method: request.method,
          url: request.url.replace(/\?.*$/, ''),
        });
      }
      return false;
    },
    onExceeded: (request) => {
      if (!isThrottled(request.ip)) {
        options.logger.warn('throttling failed authentications', {
          ip: request.ip,
          max,
          windowMs: timeWindow,
        });
      }
      throttled.set(request.ip, Date.now() + timeWindow);
    },
    errorResponseBuilder: (_request, context) =>
      NocofloError.create(Errors.RateLimited, [Math.max(1, Math.ceil(context.ttl / 1000))]),
  });
  app.addHook('onRequest', limiter);
}
