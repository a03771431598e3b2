/**
 * The admin API's error responses, so it answers the same JSON shape when registered on
 * its own (tests, embedding) as inside the nocoflo server: `{ error: { code, title,
 * message, hint, details? } }` with the catalog status.
 */
import { Errors, errorMessage, isNocofloError, NocofloError } from '@nocoflo/sdk';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { PluginHost } from '../../types.js';

/** Anything thrown, as a NocofloError (Fastify's own 4xx keep their status). */
export function asNocofloError(error: unknown): NocofloError {
  if (isNocofloError(error)) return error;
  const status = (error as Partial<FastifyError>)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const base = NocofloError.create(Errors.BadRequest, [errorMessage(error).replace(/\.$/, '')]);
    return new NocofloError({ ...base.toJSON(), status }, { cause: error });
  }
  return NocofloError.create(Errors.InternalError, [errorMessage(error)], { cause: error });
}

/** Installs the JSON error handler on an (encapsulated) Fastify scope. */
export function installJsonErrors(scope: FastifyInstance, host: Pick<PluginHost, 'logger'>): void {
  scope.setErrorHandler((error, request, reply) => {
    const ncf = asNocofloError(error);
    if (ncf.status >= 500) {
      host.logger.error(`${request.method} ${request.url} failed: ${ncf.message}`, {
        code: ncf.code,
        cause: errorMessage(ncf.cause ?? ncf),
      });
    }
    return reply.status(ncf.status).send({ error: ncf.toJSON() });
  });
}
