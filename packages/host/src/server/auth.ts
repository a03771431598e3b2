/**
 * The admin token check: `Authorization: Bearer <token>`, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { FastifyRequest } from 'fastify';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Returns a check that throws `NCF_UNAUTHORIZED` unless a request carries `token`. */
export function adminTokenCheck(token: string): (request: FastifyRequest) => void {
  const expected = digest(token);
  return (request) => {
    const header = request.headers.authorization;
    if (!header) throw NocofloError.create(Errors.Unauthorized, ['no Authorization header was sent']);
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1])
      throw NocofloError.create(Errors.Unauthorized, ['the Authorization header is not "Bearer <token>"']);
    if (!timingSafeEqual(digest(match[1].trim()), expected)) {
      throw NocofloError.create(Errors.Unauthorized, ['the token is wrong']);
    }
  };
}
