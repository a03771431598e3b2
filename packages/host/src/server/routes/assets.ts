/**
 * Static files: the host's own CSS/JS, and the assets views declare, served from their
 * plugin's package folder. Only files a view of that plugin lists in `assets` are served,
 * and only when their real path stays inside the plugin folder (no traversal, no symlink
 * out).
 */
import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { PluginHost } from '../../types.js';
import { ADMIN_JS, CSRF_JS, HOST_ASSET_BASE, HOST_CSS } from '../html/host-assets.js';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const normalise = (asset: string): string => asset.replace(/^\.\//, '');

/** Finds the file for a plugin asset request, or throws NCF_NOT_FOUND. */
export async function resolvePluginAsset(host: PluginHost, plugin: string, asset: string): Promise<string> {
  const notFound = () => NocofloError.create(Errors.NotFound, ['GET', `asset ${asset} of ${plugin}`]);
  const views = host.views.list().filter((v) => v.plugin === plugin && v.pluginPath);
  const view = views.find((v) => (v.definition.assets ?? []).some((a) => normalise(a) === asset));
  if (!view?.pluginPath) throw notFound();
  const root = await realpath(view.pluginPath);
  let file: string;
  try {
    file = await realpath(resolve(root, asset));
  } catch {
    throw notFound();
  }
  const inside = relative(root, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) throw notFound();
  return file;
}

/** Options of {@link assetRoutes}. */
export interface AssetRoutesOptions {
  /** The host whose views' assets are served. */
  host: PluginHost;
}

/** The asset routes, as an encapsulated Fastify plugin (every route `public`). */
export const assetRoutes: FastifyPluginAsync<AssetRoutesOptions> = async (
  app: FastifyInstance,
  { host }: AssetRoutesOptions,
) => {
  const config = { access: 'public' } as const;
  app.get(`${HOST_ASSET_BASE}host.css`, { config }, (_request, reply) =>
    reply.type(CONTENT_TYPES['.css']!).send(HOST_CSS),
  );
  app.get(`${HOST_ASSET_BASE}admin.js`, { config }, (_request, reply) =>
    reply.type(CONTENT_TYPES['.js']!).send(ADMIN_JS),
  );
  app.get(`${HOST_ASSET_BASE}csrf.js`, { config }, (_request, reply) =>
    reply.type(CONTENT_TYPES['.js']!).send(CSRF_JS),
  );

  app.get<{ Params: { plugin: string; '*': string } }>(
    '/_assets/plugins/:plugin/*',
    { config },
    async (request, reply) => {
      const file = await resolvePluginAsset(host, request.params.plugin, request.params['*']);
      const body = await readFile(file);
      // Plugins can be reloaded with new code at any time: let the browser revalidate.
      return reply
        .header('cache-control', 'no-cache')
        .type(CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
        .send(body);
    },
  );
};
