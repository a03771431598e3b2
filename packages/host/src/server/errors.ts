/**
 * One error shape for every response: `{ error: { code, title, message, hint } }` with the
 * error's HTTP status, or an error page for a person's browser. Anything that is not a
 * NocofloError is wrapped (Fastify's 4xx as NCF_BAD_REQUEST, everything else as
 * NCF_INTERNAL, logged with its cause).
 */
import {
  Errors,
  errorMessage,
  isNocofloError,
  type Logger,
  NocofloError,
  redactCredentials,
} from '@nocoflo/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { secretRedactor } from '../secrets/redact.js';
import { personalisePage } from './html/page-context.js';
import { renderErrorPage } from './html/pages.js';

/** Security headers of every page: only the app's own scripts run, whatever a value contains. */
export const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/** Paths answered with JSON even to a browser. */
const API_PREFIXES = [
  '/api/',
  '/admin/plugins',
  '/admin/permissions',
  '/admin/tokens',
  '/plugins/',
  '/_assets/',
  '/health',
];

/** Whether the request is a person's browser asking for a page (not an API or asset call). */
export function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (API_PREFIXES.some((prefix) => request.url.startsWith(prefix))) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Converts anything thrown to a NocofloError, with known secrets and every credential form
 * redacted from what it says; `scrub` cleans its text further (the server passes one that
 * hides the paths of its datasources).
 */
export function toNocofloError(error: unknown, scrub?: (text: string) => string): NocofloError {
  return redacted(convert(error), scrub ?? redactCredentials);
}

function convert(error: unknown): NocofloError {
  if (isNocofloError(error)) return error;
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const base = NocofloError.create(Errors.BadRequest, [errorMessage(error).replace(/\.$/, '')]);
    return new NocofloError({ ...base.toJSON(), status }, { cause: error });
  }
  return NocofloError.create(Errors.InternalError, [errorMessage(error)], { cause: error });
}

function redacted(error: NocofloError, scrub: (text: string) => string): NocofloError {
  const json = error.toJSON();
  const clean = scrubDeep(secretRedactor.redactError(json), scrub);
  if (clean === json || JSON.stringify(clean) === JSON.stringify(json)) return error;
  return new NocofloError(
    { ...clean, status: error.status },
    { cause: error.cause, ...(clean.details ? { details: clean.details } : {}) },
  );
}

function scrubDeep<T>(value: T, scrub: (text: string) => string, depth = 0): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (depth > 16 || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, scrub, depth + 1)) as T;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, scrubDeep(item, scrub, depth + 1)]),
  ) as T;
}

/** Sends an error as JSON or as a page. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: NocofloError): FastifyReply {
  reply.status(error.status);
  if (wantsPage(request)) {
    return reply
      .headers(PAGE_HEADERS)
      .type('text/html; charset=utf-8')
      .send(personalisePage(reply, renderErrorPage(error.toJSON())));
  }
  return reply.send({ error: error.toJSON() });
}

/** Options of {@link errorHandlerPlugin}. */
export interface ErrorHandlerOptions {
  /** Where failures (5xx) are logged with their cause. */
  logger: Logger;
  /** Cleans an error's text further (the server hides the paths of its datasources). */
  scrub?: ((text: string) => string) | undefined;
  /** Also answer unknown paths (404 in the same shape). Default true. */
  notFound?: boolean | undefined;
}

/** The error plugin's name, for `hasPlugin`. */
export const ERROR_HANDLER_PLUGIN = 'nocoflo-errors';

/**
 * The one error handler and not-found handler of the server, as a Fastify plugin shared with
 * `fastify-plugin` (set on the instance it is registered on, so every scope below answers
 * the same shape).
 */
export const errorHandlerPlugin = fp<ErrorHandlerOptions>(
  async (app: FastifyInstance, options: ErrorHandlerOptions) => {
    app.setErrorHandler((error, request, reply) => {
      const ncf = toNocofloError(error, options.scrub);
      if (ncf.status >= 500) {
        options.logger.error(`${request.method} ${request.url.replace(/\?.*$/, '')} failed: ${ncf.message}`, {
          code: ncf.code,
          cause: errorMessage(ncf.cause ?? ncf),
        });
      }
      return sendError(request, reply, ncf);
    });
    if (options.notFound === false) return;
    app.setNotFoundHandler((request, reply) =>
      sendError(
        request,
        reply,
        NocofloError.create(Errors.NotFound, [request.method, request.url.replace(/\?.*$/, '')]),
      ),
    );
  },
  { name: ERROR_HANDLER_PLUGIN, fastify: '5.x' },
);
