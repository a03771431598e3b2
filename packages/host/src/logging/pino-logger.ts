/**
 * The host's one logger: pino, the logger Fastify itself uses. The server hands the same
 * instance to Fastify (`loggerInstance`), the host logs through it, and each plugin gets a
 * child with its name bound (`{ plugin }` on every line it writes).
 *
 * Secrets never reach a line: pino's `redact` censors the fields that hold them
 * (`Authorization` and `Cookie` headers, `Set-Cookie`, CSRF tokens, and any `password`,
 * `token`, `secret` field), the request serializer scrubs credentials from the URL (the
 * setup link's `?token=`, `password=` parameters), and every message and string value
 * passes through the SDK's `redactCredentials` (a database URL's password) and the host's
 * redactor of known secret values (the admin token, the session secret, decrypted secret
 * config fields).
 */
import { redactCredentials } from '@nocoflo/sdk';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import { REDACTED, type SecretRedactor, secretRedactor } from '../secrets/redact.js';
import type { HostLogger } from './host-logger.js';

export { type HostLogger, isHostLogger } from './host-logger.js';

/** Field names whose values are secrets wherever they appear (censored by pino's `redact`). */
const SECRET_FIELDS = [
  'password',
  'newPassword',
  'token',
  'secret',
  'adminToken',
  'sessionSecret',
  'authorization',
  'cookie',
  'apiKey',
];

/** pino `redact` paths: the secret fields at the top, one and two levels down, and request/response headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...SECRET_FIELDS.map((field) => `*.*.${field}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
];

/** Options of {@link createHostLogger}. */
export interface HostLoggerOptions {
  /** Lowest level written: `debug`, `info`, `warn` or `error`. Default `info`. */
  level?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Where lines go. Default standard error. */
  destination?: DestinationStream;
}

/** Text with credentials and known secret values replaced. */
function scrubText(text: string, redactor: SecretRedactor): string {
  return redactor.redact(redactCredentials(text));
}

/** A copy of a log object whose strings are scrubbed (plain objects and arrays, bounded depth). */
function scrubDeep(value: unknown, redactor: SecretRedactor, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, redactor);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, redactor, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, scrubDeep(item, redactor, depth + 1)]),
  );
}

interface LoggedRequest {
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remotePort?: number };
}

/** The pino instance with the host's redaction. */
export function createPinoLogger(
  options: HostLoggerOptions = {},
  redactor: SecretRedactor = secretRedactor,
): PinoLogger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      serializers: {
        // What Fastify logs of a request: its URL without credentials (the setup link's
        // token, a `password=` parameter), and its headers (secrets censored by `redact`).
        req: (request: LoggedRequest) => ({
          method: request.method,
          url: request.url === undefined ? undefined : scrubText(request.url, redactor),
          hostname: request.hostname,
          remoteAddress: request.ip,
          headers: request.headers ? { ...request.headers } : undefined,
        }),
        res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
        err: pino.stdSerializers.err,
      },
      formatters: {
        log: (object) => scrubDeep(object, redactor) as Record<string, unknown>,
      },
      hooks: {
        // Messages (and interpolated arguments) are scrubbed too.
        logMethod(args, method) {
          const clean = args.map((arg) => (typeof arg === 'string' ? scrubText(arg, redactor) : arg));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** The SDK's logger shape over a pino instance (message first, data second). */
export function hostLoggerFrom(instance: PinoLogger): HostLogger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, data?: Record<string, unknown>): void => {
      if (data === undefined) instance[level](message);
      else instance[level](data, message);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => hostLoggerFrom(instance.child(bindings)),
    pino: instance,
  };
}

/**
 * The host's logger: pino with the host's redaction, in the SDK's `Logger` shape, with
 * per-plugin children. Pass it to `createHost({ logger })`; `createServer` then hands its
 * pino instance to Fastify, so requests and the host write one stream.
 *
 * @example
 * ```ts
 * import { createHost, createHostLogger, createServer } from '@nocoflo/host';
 *
 * const logger = createHostLogger({ level: 'info' }); // JSON lines on stderr
 * const host = await createHost({ root: process.cwd(), logger });
 * await host.start();
 * const app = await createServer({ host, datasources: ['sqlite:./shop.db'], adminToken: 'secret', logRequests: true });
 * await app.listen({ port: 3000 });
 * ```
 */
export function createHostLogger(options: HostLoggerOptions = {}): HostLogger {
  return hostLoggerFrom(createPinoLogger(options));
}
