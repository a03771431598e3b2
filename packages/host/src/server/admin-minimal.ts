/**
 * The smallest admin API the admin page needs (enable, disable, reload, list), guarded by
 * the admin token. It stands in until the full admin API (`./admin-api/`) is registered
 * in `extensions.ts` instead.
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from './types.js';

/** Registers `GET /admin/plugins` and `POST /admin/plugins/:name/enable|disable|reload`. */
export function minimalAdminApi(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/admin/plugins', async () => ({ plugins: ctx.host.list() }));
  for (const action of ['enable', 'disable', 'reload'] as const) {
    app.post<{ Params: { name: string } }>(`/admin/plugins/:name/${action}`, async (request) => {
      ctx.requireAdmin(request);
      return { plugin: await ctx.host[action](request.params.name) };
    });
  }
}
