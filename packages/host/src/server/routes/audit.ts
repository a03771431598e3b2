/**
 * The admin audit page (`GET /admin/audit`, filters in the query), reverting a row write
 * from it (`POST /admin/audit/:id/revert`: 409 with the current row when it changed since),
 * and the retention (`POST /admin/audit/retention` sets the days entries are kept,
 * `POST /admin/audit/prune` removes older ones now; both audited). Query strings and form
 * bodies are zod schemas (`fastify-type-provider-zod`): a bad one answers 400
 * `NCF_BAD_REQUEST` and changes nothing.
 */
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditRetentionDays, pruneAuditTrail } from '../../accounts/audit-retention.js';
import type { AccountStore, AuditFilter } from '../../accounts/types.js';
import { PAGE_HEADERS, toNocofloError } from '../errors.js';
import { renderAudit } from '../html/audit-page.js';
import { personalisePage } from '../html/page-context.js';
import type { RowWrites } from '../row-writes.js';

/** A filter field: trimmed, empty meaning none. */
const filterText = z
  .string('each filter is one text value')
  .max(200, 'a filter is at most 200 characters')
  .optional()
  .transform((value) => value?.trim() || undefined);

/** `GET /admin/audit`'s query string. */
const auditQuery = z.object({
  actor: filterText,
  action: filterText,
  datasource: filterText,
  table: filterText,
  before: filterText,
  limit: z
    .string()
    .regex(/^\d+$/, '"limit" is a whole number from 1 to 500')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, '"limit" is a whole number from 1 to 500')
    .optional(),
});

/** The retention form: a whole number of days, or empty for "forever". */
const retentionBody = z.object({
  days: z
    .string('"days" is a whole number of days, or empty to keep entries forever')
    .trim()
    .regex(/^(\d{1,6})?$/, '"days" is a whole number of days, or empty to keep entries forever')
    .transform((text) => (text === '' ? undefined : Number(text)))
    .refine((days) => days === undefined || days >= 1, '"days" is at least 1'),
});

const idParams = z.object({ id: z.string().min(1).max(200) });

function filterFrom(query: z.infer<typeof auditQuery>): AuditFilter {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as AuditFilter;
}

/** Options of {@link auditRoutes}. */
export interface AuditRoutesOptions {
  /** Where the audit trail is kept. */
  accounts: AccountStore;
  /** Row writes (reverts); undefined on a read-only server, which has no revert route. */
  writes: RowWrites | undefined;
  /** The config file's retention (days), used while none is stored. */
  retentionDays?: number | undefined;
}

/** The audit page and its revert action, as an encapsulated Fastify plugin. */
export const auditRoutes: FastifyPluginAsync<AuditRoutesOptions> = async (
  app: FastifyInstance,
  { accounts, writes, retentionDays }: AuditRoutesOptions,
) => {
  const admin = { config: { access: 'admin' } } as const;
  const api = app.withTypeProvider<ZodTypeProvider>();

  const page = async (
    _request: FastifyRequest,
    reply: FastifyReply,
    extra: { notice?: string; error?: NocofloError } = {},
    filter: AuditFilter = {},
  ) => {
    const entries = await accounts.listAudit(filter);
    const stored = await accounts.readAuditRetention();
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
            retention: {
              days: stored ?? retentionDays,
              fromConfig: stored === undefined && retentionDays !== undefined,
            },
            ...(extra.notice ? { notice: extra.notice } : {}),
            ...(extra.error ? { error: extra.error.toJSON() } : {}),
          }),
        ),
      );
  };

  api.get('/admin/audit', { ...admin, schema: { querystring: auditQuery } }, (request, reply) =>
    page(request, reply, {}, filterFrom(request.query)),
  );

  api.post(
    '/admin/audit/retention',
    { ...admin, schema: { body: retentionBody } },
    async (request, reply) => {
      const days = request.body.days;
      await accounts.writeAuditRetention(days);
      await accounts.appendAudit({
        actor: request.actor.label,
        action: 'audit.retention',
        detail: { retentionDays: days ?? null },
      });
      const inForce = await auditRetentionDays(accounts, retentionDays);
      return page(request, reply, {
        notice:
          inForce === undefined
            ? 'Audit entries are kept forever.'
            : `Audit entries older than ${inForce} days are removed hourly.`,
      });
    },
  );

  api.post('/admin/audit/prune', admin, async (request, reply) => {
    const days = await auditRetentionDays(accounts, retentionDays);
    if (days === undefined) {
      throw NocofloError.create(Errors.BadRequest, ['no retention is set: save a number of days first']);
    }
    const done = await pruneAuditTrail(accounts, { days, actor: request.actor.label });
    return page(request, reply, { notice: `Removed ${done.removed} entries older than ${days} days.` });
  });

  if (!writes) return;
  api.post('/admin/audit/:id/revert', { ...admin, schema: { params: idParams } }, async (request, reply) => {
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
