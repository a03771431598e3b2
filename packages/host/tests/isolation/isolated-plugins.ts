/**
 * Plugin sources for the isolation tests: a well-behaved plugin that uses every door of
 * the context, and helpers to start a host with plugins on disk at a given level.
 */
import { createHost, type PluginHost } from '@nocoflo/host';
import type { IsolationLevel } from '@nocoflo/sdk';
import { type FixtureRoot, pluginPackageJson } from '../fixtures/fixture-root.js';

/** A datasource over one in-memory table `items` (id, label), as plugin source text. */
export const MEMORY_DATASOURCE = `
function memoryDatasource(url) {
  const rows = [{ id: 1, label: 'one' }, { id: 2, label: 'two' }, { id: 3, label: 'three' }];
  const schema = {
    name: 'items', kind: 'table',
    columns: [
      { name: 'id', type: 'integer', nativeType: 'INTEGER', nullable: false, hasDefault: false },
      { name: 'label', type: 'text', nativeType: 'TEXT', nullable: true, hasDefault: false },
    ],
    primaryKey: ['id'], foreignKeys: [], writable: true,
  };
  return {
    url, capabilities: { write: true, estimates: false, stream: true },
    async listTables() { return [{ name: 'items', kind: 'table' }]; },
    async describeTable() { return schema; },
    async readPage(_t, options = {}) {
      const limit = options.limit ?? 100;
      return { rows: rows.slice(0, limit).map((r) => ({ ...r })), nextCursor: null, prevCursor: null };
    },
    async *stream() { for (let i = 0; i < 1000; i++) yield { id: i, label: 'row ' + i }; },
    async aggregate() { return { rows: [{ count: rows.length }] }; },
    async insert(_t, values) { rows.push(values); return values; },
    async update(_t, key, changes) { const row = rows.find((r) => r.id === key.id); Object.assign(row, changes); return row; },
    async delete(_t, key) { rows.splice(rows.findIndex((r) => r.id === key.id), 1); },
    async testConnection() { return { ok: true, serverVersion: 'memory 1', latencyMs: 0 }; },
    async close() {},
  };
}
`;

/** Writes a plugin folder whose entry is `body` (a module that default-exports definePlugin). */
export function writePlugin(
  root: FixtureRoot,
  name: string,
  body: string,
  nocoflo: Record<string, unknown> = {},
): string {
  const folder = `plugins/${name}`;
  return root.plugin(
    folder,
    pluginPackageJson(name, { nocoflo: { entry: './index.js', host: '*', ...nocoflo } }),
    `import { definePlugin } from '@nocoflo/sdk';\n${body}`,
  );
}

/** Starts a host on `root` with every plugin at `level`. */
export async function startHost(
  root: FixtureRoot,
  level: IsolationLevel,
  options: { callbackTimeoutMs?: number; tapTimeoutMs?: number; maxHeapMb?: number; restarts?: number } = {},
): Promise<PluginHost> {
  const host = await createHost({
    root: root.dir,
    pluginDirs: ['plugins'],
    scanNodeModules: false,
    callbackTimeoutMs: options.callbackTimeoutMs ?? 10_000,
    tapTimeoutMs: options.tapTimeoutMs ?? 5_000,
    isolation: {
      default: level,
      ...(options.maxHeapMb ? { maxHeapMb: options.maxHeapMb } : {}),
      restart: { maxFailures: options.restarts ?? 0, baseDelayMs: 10 },
    },
  });
  await host.start();
  return host;
}
