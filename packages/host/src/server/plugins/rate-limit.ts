/**
 * Rate limiting of failed authentications, as a Fastify plugin shared by every route (it
 * decorates the server with `authThrottle`, which the auth plugin and the sign-in and setup
 * routes use):
 *
 * - each client address may fail to authenticate (a wrong admin or API token, a wrong
 *   password, a wrong setup link) a limited number of times per window;
 * - once over, every attempt from it that presents a credential answers
 *   `429 NCF_RATE_LIMITED` with `Retry-After`, the right credential included, so a guess
 *   that happens to be right is not confirmed while the address is throttled;
 * - requests without a credential are never counted or throttled.
 */
import { Errors, type Logger, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

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

/** Options of {@link rateLimitPlugin}. */
export interface RateLimitOptions {
  /** Where failed authentications and throttled addresses are logged. */
  logger: Logger;
  /** The limit. */
  limit?: AuthRateLimit | undefined;
}

/** Counts failed authentications per client address and refuses throttled ones. */
export interface AuthThrottle {
  /**
   * Seconds the request's address must wait before it may authenticate again, or undefined
   * when it may now.
   */
  retryAfter(request: FastifyRequest): number | undefined;
  /**
   * Throws `429 NCF_RATE_LIMITED` (with `Retry-After` on the reply) when the request's
   * address is throttled.
   */
  check(request: FastifyRequest, reply: FastifyReply): void;
  /** Counts a failed authentication of the request's address (and logs it). */
  fail(request: FastifyRequest, what: string): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Failed authentications per client address (see `plugins/rate-limit.ts`). */
    authThrottle: AuthThrottle;
  }
}

interface Window {
  failures: number;
  /** When the window (and a throttle begun in it) ends. */
  until: number;
  throttled: boolean;
}

/** The rate-limit plugin's name, for `dependencies` and `hasPlugin`. */
export const RATE_LIMIT_PLUGIN = 'nocoflo-rate-limit';

/**
 * The rate-limit plugin (shared with `fastify-plugin`: the auth plugin and the account
 * routes use its decorator).
 */
export const rateLimitPlugin = fp<RateLimitOptions>(
  async (app: FastifyInstance, options: RateLimitOptions) => {
    const max = options.limit?.max ?? DEFAULT_AUTH_RATE_LIMIT.max;
    const windowMs = options.limit?.timeWindowMs ?? DEFAULT_AUTH_RATE_LIMIT.timeWindowMs;
    const logger = options.logger;
    const windows = new Map<string, Window>();

    const current = (ip: string, now = Date.now()): Window | undefined => {
      const window = windows.get(ip);
      if (window && window.until <= now) {
        windows.delete(ip);
        return undefined;
      }
      return window;
    };
    // Expired windows go on a timer too, so a scan from many addresses does not grow the map for ever.
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [ip, window] of windows) if (window.until <= now) windows.delete(ip);
    }, windowMs);
    sweep.unref();
    app.addHook('onClose', async () => clearInterval(sweep));

    const throttle: AuthThrottle = {
      retryAfter(request) {
        const window = current(request.ip);
        if (!window?.throttled) return undefined;
        return Math.max(1, Math.ceil((window.until - Date.now()) / 1000));
      },
      check(request, reply) {
        const seconds = throttle.retryAfter(request);
        if (seconds === undefined) return;
        reply.header('retry-after', String(seconds));
        throw NocofloError.create(Errors.RateLimited, [seconds]);
      },
      fail(request, what) {
        const now = Date.now();
        const window = current(request.ip, now) ?? { failures: 0, until: now + windowMs, throttled: false };
        window.failures += 1;
        windows.set(request.ip, window);
        logger.warn('failed authentication', {
          ip: request.ip,
          method: request.method,
          url: request.url.replace(/\?.*$/, ''),
          what,
        });
        if (window.failures >= max && !window.throttled) {
          // Throttled for a whole window from the failure that reached the limit.
          window.throttled = true;
          window.until = now + windowMs;
          logger.warn('throttling failed authentications', { ip: request.ip, max, windowMs });
        }
      },
    };
    app.decorate('authThrottle', throttle);
  },
  { name: RATE_LIMIT_PLUGIN, fastify: '5.x' },
);
