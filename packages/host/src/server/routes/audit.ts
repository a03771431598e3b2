/**
 * The admin audit page (`GET /admin/audit`, filters in the query) and reverting a row write
 * from it (`POST /admin/audit/:id/revert`: 409 with the current row when it changed since).
 */
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountStore, AuditFilter } from '../../accounts/types.js';
import { PAGE_HEADERS, toNocofloError } from '../errors.js';
import { renderAudit } from '../html/audit-page.js';
import { personalisePage } from '../html/page-context.js';
import type { RowWrites } from '../row-writes.js';

type Query = Record<string, string | undefined>;

function filterFrom(query: Query): AuditFilter {
  const filter: AuditFilter = {};
  for (const name of ['actor', 'action', 'datasource', 'table', 'before'] as const) {
    const value = query[name]?.trim();
    if (value) filter[name] = value;
  }
  const limit = Number(query.limit);
  if (Number.isInteger(limit) && limit > 0) filter.limit = limit;
  return filter;
}

/** Options of {@link auditRoutes}. */
export interface AuditRoutesOptions {
  /** Where the audit trail is kept. */
  accounts: AccountStore;
  /** Row writes (reverts); undefined on a read-only server, which has no revert route. */
  writes: RowWrites | undefined;
}

/** The audit page and its revert action, as an encapsulated Fastify plugin. */
export const auditRoutes: FastifyPluginAsync<AuditRoutesOptions> = async (
  app: FastifyInstance,
  { accounts, writes }: AuditRoutesOptions,
) => {
  const admin = { config: { access: 'admin' } } as const;

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { notice?: string; error?: NocofloError } = {},
  ) => {
    const filter = filterFrom((request.query ?? {}) as Query);
    const entries = await accounts.listAudit(filter);
    return reply
      .status(extra.error?.status ?? 200)
      .headers(PAGE_HEADERS)
      .type('text/html; charset=utf-8')
      .send(
        personalisePage(
          reply,
          renderAudit({
            entries,
            filter,
            csrf: reply.generateCsrf(),
            canRevert: writes !== undefined,
            ...(extra.notice ? { notice: extra.notice } : {}),
            ...(extra.error ? { error: extra.error.toJSON() } : {}),
          }),
        ),
      );
  };

  app.get('/admin/audit', admin, (request, reply) => page(request, reply));

  if (!writes) return;
  app.post<{ Params: { id: string } }>('/admin/audit/:id/revert', admin, async (request, reply) => {
    const entry = await accounts.getAudit(request.params.id);
    if (!entry) throw NocofloError.create(Errors.NotFound, ['POST', `audit entry ${request.params.id}`]);
    const wantsJson = (request.headers.accept ?? '').includes('application/json');
    try {
      await writes.revert(request.actor, entry);
    } catch (error) {
      const ncf = toNocofloError(error);
      if (wantsJson) throw ncf;
      return page(request, reply, { error: ncf });
    }
    if (wantsJson) return { reverted: entry.id };
    return page(request, reply, {
      notice: `Reverted ${entry.action} of ${entry.table} ${JSON.stringify(entry.key)}.`,
    });
  });
};
