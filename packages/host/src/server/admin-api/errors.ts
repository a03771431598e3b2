/**
 * The admin API's error responses, so it answers the same JSON shape when registered on
 * its own (tests, embedding) as inside the nocoflo server: `{ error: { code, title,
 * message, hint, details? } }` with the catalog status.
 */
import { errorMessage } from '@nocoflo/sdk';
import type { FastifyInstance } from 'fastify';
import type { PluginHost } from '../../types.js';
import { toNocofloError } from '../errors.js';

/** Installs the JSON error handler on an (encapsulated) Fastify scope. */
export function installJsonErrors(scope: FastifyInstance, host: Pick<PluginHost, 'logger'>): void {
  scope.setErrorHandler((error, request, reply) => {
    const ncf = toNocofloError(error);
    if (ncf.status >= 500) {
      host.logger.error(`${request.method} ${request.url} failed: ${ncf.message}`, {
        code: ncf.code,
        cause: errorMessage(ncf.cause ?? ncf),
      });
    }
    return reply.status(ncf.status).send({ error: ncf.toJSON() });
  });
}
