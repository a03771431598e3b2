/**
 * The web app's pages: home, table page (best view, switcher, remembered choice) and the
 * admin page.
 */
import {
  type Datasource,
  Errors,
  isFilterParam,
  isNocofloError,
  NocofloError,
  type TableSchema,
  type ViewDataAccess,
} from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountStore } from '../../accounts/types.js';
import type { PluginHost, ResolvedView } from '../../types.js';
import { mayData } from '../access/rules.js';
import { viewPreferencesFor } from '../access/view-preferences.js';
import type { DatasourceConnections } from '../connections.js';
import { PAGE_HEADERS, toNocofloError } from '../errors.js';
import { personalisePage } from '../html/page-context.js';
import {
  type HomeDatasource,
  pluginAssetBase,
  renderAdmin,
  renderHome,
  renderTablePage,
  rowsApiUrl,
  tablePageUrl,
} from '../html/pages.js';
import { preferenceKey } from '../preferences.js';
import type { ViewPreferences } from '../types.js';
import { readViewSettings, viewSettingsKey, viewSettingsUrl } from './view-settings.js';

const sendPage = (reply: FastifyReply, html: string, status = 200) =>
  reply
    .status(status)
    .headers(PAGE_HEADERS)
    .type('text/html; charset=utf-8')
    .send(personalisePage(reply, html));

/** First value of each query parameter, as views receive them. */
/** A view parameter: one text value (repeated names keep the first). */
const viewParam = z.union(
  [z.string().max(10_000), z.array(z.string().max(10_000)).max(100)],
  'each query parameter of a table page is text of at most 10,000 characters',
);

/**
 * The table page's query string: `view` (a view name), `default=site` (an admin choosing
 * the site's default view), and whatever the view reads (its filter, sort, page…).
 */
const tablePageQuery = z
  .object({
    view: z.string('"view" is one view name').max(200, '"view" is at most 200 characters').optional(),
    default: z.literal('site', '"default" can only be "site"').optional(),
  })
  .catchall(viewParam)
  .refine((query) => Object.keys(query).length <= 200, 'a table page takes at most 200 query parameters');

function flatParams(query: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first;
  }
  return out;
}

/**
 * The read-only face of a datasource a view renders through: only the tables the person may
 * read (a view following a foreign key to a table a grant hides gets NCF_NOT_ALLOWED, and
 * `listTables` leaves such tables out).
 */
const readOnly = (ds: Datasource, mayRead: (table: string) => boolean, actorName: string): ViewDataAccess => {
  const check = (table: string) => {
    if (!mayRead(table)) throw NocofloError.create(Errors.NotAllowed, [actorName, `read ${table}`]);
  };
  return {
    readPage: async (table, options) => {
      check(table);
      return ds.readPage(table, options);
    },
    aggregate: async (table, query) => {
      check(table);
      return ds.aggregate(table, query);
    },
    describeTable: async (table) => {
      check(table);
      return ds.describeTable(table);
    },
    listTables: async () => (await ds.listTables()).filter((t) => mayRead(t.name)),
  };
};

/**
 * Parameters that address one record of the table (the table view's row page `row`, the
 * form view's `key`): a link to a record names the view that shows it, but following it is
 * not the person choosing how to see the table.
 */
const RECORD_PARAMS = ['row', 'key'];

/**
 * The view to render: the one asked for (remembered as the person's choice for the table,
 * unless the page is one record's), else the remembered one, else the best.
 */
async function chooseView(
  views: ResolvedView[],
  requested: string | undefined,
  params: Readonly<Record<string, string>>,
  preferences: ViewPreferences,
  key: string,
  notices: string[],
): Promise<ResolvedView> {
  if (requested !== undefined) {
    const view = views.find((v) => v.name === requested);
    if (view) {
      if (!RECORD_PARAMS.some((name) => params[name] !== undefined))
        await preferences.writeViewPreference(key, view.name);
      return view;
    }
    notices.push(`The view "${requested}" cannot show this table or is not enabled; showing another one.`);
  }
  const preferred = await preferences.readViewPreference(key);
  return views.find((v) => v.name === preferred) ?? (views[0] as ResolvedView);
}

/** Options of {@link pageRoutes}. */
export interface PageRoutesOptions {
  /** The host whose views render tables. */
  host: PluginHost;
  /** The datasources shown. */
  connections: DatasourceConnections;
  /** The site's default view per table. */
  preferences: ViewPreferences;
  /** Users' own view choices. */
  accounts: AccountStore;
}

/** The page routes, as an encapsulated Fastify plugin. */
export const pageRoutes: FastifyPluginAsync<PageRoutesOptions> = async (
  app: FastifyInstance,
  { host, connections, preferences: sitePreferences, accounts }: PageRoutesOptions,
) => {
  app.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const actor = request.actor;
    const readable = connections.list().filter((entry) => mayData(actor, 'read', entry.id));
    const datasources = await Promise.all(
      readable.map(async (entry): Promise<HomeDatasource> => {
        try {
          // Tables a grant hides (`none`) are not listed.
          const tables = (await connections.use(entry.id, (ds) => ds.listTables())).filter((t) =>
            mayData(actor, 'read', entry.id, t.name),
          );
          return { id: entry.id, displayUrl: entry.displayUrl, tables };
        } catch (error) {
          return {
            id: entry.id,
            displayUrl: entry.displayUrl,
            error: toNocofloError(error, connections.scrub.bind(connections)).toJSON(),
          };
        }
      }),
    );
    return sendPage(reply, renderHome(datasources));
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/d/:ds/t/:table',
    {
      config: { access: 'read' },
      schema: {
        params: z.object({ ds: z.string().min(1), table: z.string().min(1) }),
        querystring: tablePageQuery,
      },
    },
    async (request, reply) => {
      const { ds: id, table: tableName } = request.params;
      const entry = connections.entry(id);
      const { view: requested, default: scope, ...params } = flatParams(request.query);
      const preferences = viewPreferencesFor(request.actor, sitePreferences, accounts, scope === 'site');
      const html = await connections.use(id, async (datasource) => {
        const described: TableSchema = await datasource.describeTable(tableName);
        // A view offers no edit affordance to an actor who may not write this table.
        const table = mayData(request.actor, 'write', id, described.name)
          ? described
          : { ...described, writable: false };
        const views = host.views.forTable(table);
        if (views.length === 0) throw NocofloError.create(Errors.NoViewForTable, [table.name]);
        const notices: string[] = [];
        const current = await chooseView(
          views,
          requested,
          params,
          preferences,
          preferenceKey(entry.key, table.name),
          notices,
        );
        const urls = {
          page: tablePageUrl(id, table.name),
          rows: rowsApiUrl(id, table.name),
          assets: pluginAssetBase(current.plugin),
          tablePage: `${tablePageUrl(id, '')}{table}`,
          settings: viewSettingsUrl(id, table.name, current.name),
        };
        const settings = await readViewSettings(
          preferences,
          viewSettingsKey(entry.key, table.name, current.name),
        );
        let content: { html: string; title?: string } | { error: ReturnType<NocofloError['toJSON']> };
        try {
          const data = readOnly(
            datasource,
            (name) => mayData(request.actor, 'read', id, name),
            request.actor.name,
          );
          content = await current.definition.render({
            table,
            data,
            params,
            urls,
            ...(settings ? { settings } : {}),
          });
        } catch (error) {
          // The switcher stays usable when one view fails; a closed datasource is retried by `use`.
          if (isNocofloError(error, Errors.DatasourceClosed)) throw error;
          content = { error: toNocofloError(error, connections.scrub.bind(connections)).toJSON() };
        }
        // The filter and search follow the user from one view to another (table → chart).
        const shared = Object.fromEntries(Object.entries(params).filter(([name]) => isFilterParam(name)));
        return renderTablePage({
          datasource: id,
          table: table.name,
          views,
          current,
          content,
          notices,
          shared,
        });
      });
      return sendPage(reply, html);
    },
  );

  // Only admins reach this page; plugin errors (which may quote what a plugin was given) are theirs to see.
  app.get('/admin', { config: { access: 'admin' } }, async (_request, reply) =>
    sendPage(reply, renderAdmin(host.list(), { showErrors: true })),
  );
};
