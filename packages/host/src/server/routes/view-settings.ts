/**
 * A view's settings for one table (the table view's hidden, ordered and sized columns),
 * remembered per person next to their choice of view:
 *
 * | method | path | body | answer |
 * | --- | --- | --- | --- |
 * | PUT | /api/datasources/:ds/tables/:table/views/:view/settings | a JSON object (at most 16 KiB) | 204 |
 * | DELETE | /api/datasources/:ds/tables/:table/views/:view/settings | | 204 (back to the site default) |
 *
 * Reading a table is enough: settings change how the table looks to the person saving them,
 * not the data. An admin adds `?default=site` to make them everyone's default. The table
 * page hands the settings to the view's `render` as `settings`.
 */
import { Errors, NocofloError, type ViewSettings } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AccountStore } from '../../accounts/types.js';
import type { Actor } from '../access/actor.js';
import { isAdmin } from '../access/rules.js';
import { viewPreferencesFor } from '../access/view-preferences.js';
import type { DatasourceConnections } from '../connections.js';
import { preferenceKey } from '../preferences.js';
import type { ViewPreferences } from '../types.js';

/** Largest settings object kept, as JSON text. */
export const MAX_VIEW_SETTINGS_CHARS = 16 * 1024;

/** The preference key of a view's settings for a table. */
export function viewSettingsKey(datasourceKey: string, table: string, view: string): string {
  return `${preferenceKey(datasourceKey, table)}#settings:${view}`;
}

/** The URL the view's browser code saves its settings to. */
export function viewSettingsUrl(datasource: string, table: string, view: string): string {
  return `/api/datasources/${encodeURIComponent(datasource)}/tables/${encodeURIComponent(table)}/views/${encodeURIComponent(view)}/settings`;
}

/** The saved settings, or undefined when none (or none readable) were saved. */
export async function readViewSettings(
  preferences: ViewPreferences,
  key: string,
): Promise<ViewSettings | undefined> {
  const text = await preferences.readViewPreference(key);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as ViewSettings)
      : undefined;
  } catch {
    return undefined;
  }
}

function canRemember(actor: Actor): boolean {
  return actor.userId !== undefined || isAdmin(actor);
}

/** Options of {@link viewSettingsRoutes}. */
export interface ViewSettingsRoutesOptions {
  /** The datasources served. */
  connections: DatasourceConnections;
  /** The site's defaults. */
  preferences: ViewPreferences;
  /** Users' own settings. */
  accounts: AccountStore;
}

/** The settings routes, as an encapsulated Fastify plugin. */
export const viewSettingsRoutes: FastifyPluginAsync<ViewSettingsRoutesOptions> = async (
  app: FastifyInstance,
  { connections, preferences: sitePreferences, accounts }: ViewSettingsRoutesOptions,
) => {
  type Params = { ds: string; table: string; view: string };
  type Query = Record<string, string | undefined>;
  const target = (request: { params: Params; query: Query; actor: Actor }) => {
    if (!canRemember(request.actor)) {
      throw NocofloError.create(Errors.NotAllowed, [
        request.actor.name,
        'save view settings (sign in first)',
      ]);
    }
    const entry = connections.entry(request.params.ds);
    const preferences = viewPreferencesFor(
      request.actor,
      sitePreferences,
      accounts,
      request.query.default === 'site',
    );
    return {
      preferences,
      key: viewSettingsKey(entry.key, request.params.table, request.params.view),
    };
  };

  app.put<{ Params: Params; Querystring: Query }>(
    '/api/datasources/:ds/tables/:table/views/:view/settings',
    { config: { access: 'read' }, bodyLimit: MAX_VIEW_SETTINGS_CHARS * 2 },
    async (request, reply) => {
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw NocofloError.create(Errors.BadRequest, ['the settings must be a JSON object']);
      }
      const text = JSON.stringify(body);
      if (text.length > MAX_VIEW_SETTINGS_CHARS) {
        throw NocofloError.create(Errors.BadRequest, [
          `the settings must be at most ${MAX_VIEW_SETTINGS_CHARS} characters of JSON`,
        ]);
      }
      const { preferences, key } = target(request);
      await preferences.writeViewPreference(key, text);
      return reply.status(204).send();
    },
  );

  app.delete<{ Params: Params; Querystring: Query }>(
    '/api/datasources/:ds/tables/:table/views/:view/settings',
    { config: { access: 'read' } },
    async (request, reply) => {
      const { preferences, key } = target(request);
      await preferences.writeViewPreference(key, undefined);
      return reply.status(204).send();
    },
  );
};
