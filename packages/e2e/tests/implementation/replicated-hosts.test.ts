/**
 * Several hosts as one: three `nocoflo serve` processes, each with a plugin folder and data
 * folder of its own, share one PostgreSQL metadata store and sit behind a small round-robin
 * reverse proxy on 127.0.0.1. A plugin tarball made by `npm pack` is installed through the
 * proxy's admin API; every host then serves the plugin's view. Uninstalled likewise. Then a
 * host is SIGKILLed half-way through applying an install (a crash point: the new folder is
 * swapped in, the install not committed) and restarted: it converges on what the store records;
 * so does the host an install was made on, killed after recording it but before committing.
 *
 * Needs a PostgreSQL server (NOCOFLO_PG_URL, default postgres://postgres@127.0.0.1:5432/test):
 * the hosts follow each other through LISTEN/NOTIFY between sessions, which the embedded
 * PGlite (one session) cannot carry. Without one the suite skips, saying so, except under
 * CI=true. Each run uses a store schema of its own, dropped at the end.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CLI, REPO_ROOT, seedDemoDatabase } from '../fixtures/serve.js';

const PG_URL = process.env.NOCOFLO_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PLUGIN = 'e2e-replicated-view';
const SECRET_KEY = randomBytes(32).toString('hex');

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`CI=true needs PostgreSQL at ${PG_URL}`);
    console.warn(
      `replicated hosts test skipped: PostgreSQL is not reachable at ${PG_URL} (set NOCOFLO_PG_URL)`,
    );
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const available = await postgresReachable();

/** `npm pack` of a self-contained view plugin (no imports: the plugin object carries definePlugin's brand). */
function packPlugin(dir: string, version: string): Buffer {
  const source = join(dir, `src-${version}`);
  mkdirSync(source, { recursive: true });
  writeFileSync(
    join(source, 'package.json'),
    JSON.stringify({
      name: PLUGIN,
      version,
      type: 'module',
      keywords: ['nocoflo-plugin'],
      nocoflo: { entry: './index.js', host: '>=0.0.0', provides: ['view'] },
    }),
  );
  writeFileSync(
    join(source, 'index.js'),
    `export default {
  [Symbol.for('nocoflo.plugin')]: true,
  views: [{
    name: 'replicated',
    title: 'Replicated',
    canHandle: () => 1,
    render: ({ table }) => ({ html: '<p class="replicated-marker">replicated view ${version} of ' + table.name + '</p>' }),
  }],
};
`,
  );
  const out = join(dir, 'packed');
  mkdirSync(out, { recursive: true });
  const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
    cwd: source,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop() as string;
  return readFileSync(join(out, file));
}

/** One `nocoflo serve` child with its own root (plugin folder) and data folder. */
class HostProcess {
  url = '';
  port = 0;
  output = '';
  #child: ChildProcess | undefined;
  #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;

  constructor(
    readonly root: string,
    readonly basePlugins: string,
    readonly store: string,
  ) {
    mkdirSync(join(root, 'plugins'), { recursive: true });
    // The demo database every host serves, as the run made it once (fixtures/global-setup.ts).
    mkdirSync(join(root, 'data'));
    seedDemoDatabase(join(root, 'data'));
  }

  /** Starts it and resolves once it serves. */
  async start(env: Record<string, string> = {}): Promise<void> {
    this.output = '';
    const child = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--demo',
        '--local-admin',
        '--port',
        '0',
        '--root',
        this.root,
        '--plugins-dir',
        'plugins',
        this.basePlugins,
        '--data-dir',
        join(this.root, 'data'),
        '--store',
        this.store,
      ],
      {
        cwd: this.root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NOCOFLO_ADMIN_TOKEN: ADMIN_TOKEN, NOCOFLO_SECRET_KEY: SECRET_KEY, ...env },
      },
    );
    this.#child = child;
    child.stdout?.on('data', (chunk) => {
      this.output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      this.output += chunk;
    });
    this.#exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
    this.url = await new Promise<string>((done, fail) => {
      // No timer of its own: the test's overall limit ends a host that never serves.
      const check = () => {
        const match = /is serving (http:\/\/\S+)/.exec(this.output);
        if (match?.[1]) done(match[1]);
      };
      child.stdout?.on('data', check);
      void this.#exited?.then(({ code, signal }) =>
        fail(new Error(`the host exited (${code ?? signal}) before serving:\n${this.output}`)),
      );
    });
    this.port = Number(new URL(this.url).port);
  }

  /** Resolves when the process has ended, with how. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.#exited ?? Promise.resolve({ code: null, signal: null });
  }

  async stop(): Promise<void> {
    if (this.#child && this.#child.exitCode === null && this.#child.signalCode === null)
      this.#child.kill('SIGTERM');
    await this.exited();
  }

  kill(): void {
    this.#child?.kill('SIGKILL');
  }
}

/** A round-robin reverse proxy over the hosts currently in rotation (what any HTTP load balancer does). */
function startProxy(backends: () => readonly HostProcess[]): Promise<{ url: string; server: Server }> {
  let next = 0;
  const server = createServer((req, res) => {
    const pool = backends();
    const target = pool[next++ % pool.length];
    if (!target) {
      res.writeHead(503).end();
      return;
    }
    const upstream = httpRequest(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () =>
      done({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

/** The HTML of the products page asking for the replicated view (a host without it falls back to another). */
async function viewPage(base: string): Promise<string> {
  const response = await fetch(`${base}/d/demo/t/products?view=replicated`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return response.ok ? response.text() : `HTTP ${response.status}`;
}

const servesView = async (base: string, version: string) =>
  (await viewPage(base).catch(() => '')).includes(`replicated view ${version} of products`);

describe.skipIf(!available)('three hosts on one PostgreSQL store, behind a round-robin proxy', () => {
  const schema = `ncf_e2e_repl_${randomBytes(5).toString('hex')}`;
  const storeUrl = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  let dir: string;
  let hosts: HostProcess[] = [];
  let rotation: HostProcess[] = [];
  let proxy: { url: string; server: Server };
  let v1: Buffer;
  let v2: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ncf-e2e-repl-'));
    // The workspace plugins every host needs for the demo (per host in real life: the image).
    const base = join(dir, 'base-plugins');
    mkdirSync(base);
    for (const name of ['sqlite-datasource', 'table-view'])
      symlinkSync(join(REPO_ROOT, 'plugins', name), join(base, name), 'dir');
    v1 = packPlugin(dir, '1.0.0');
    v2 = packPlugin(dir, '2.0.0');
    hosts = [0, 1, 2].map((i) => new HostProcess(join(dir, `host-${i}`), base, storeUrl));
    // The first creates the store schema and the local admin; the others then start together.
    await hosts[0]?.start();
    await Promise.all(hosts.slice(1).map((host) => host.start()));
    rotation = [...hosts];
    proxy = await startProxy(() => rotation);
  });

  afterAll(async () => {
    await new Promise((done) => proxy?.server.close(done));
    await Promise.all(hosts.map((host) => host.stop()));
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const namespaces = await client
        .query<{ name: string }>(
          `SELECT name FROM "${schema}".plugin_namespaces WHERE kind = 'postgres-schema'`,
        )
        .then(
          (result) => result.rows.map((row) => row.name),
          () => [] as string[],
        );
      for (const name of namespaces) {
        await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
        await client.query(
          `DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN EXECUTE 'DROP OWNED BY "${name}" CASCADE'; EXECUTE 'DROP ROLE "${name}"'; END IF; END $$`,
        );
      }
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const admin = (method: string, path: string, body?: Buffer) =>
    fetch(`${proxy.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body ? { 'content-type': 'application/gzip', 'x-filename': `${PLUGIN}.tgz` } : {}),
      },
      ...(body ? { body } : {}),
    });

  it('an install through the proxy is served by every host; so is the uninstall', async () => {
    for (const host of hosts) expect(await servesView(host.url, '1.0.0')).toBe(false);

    const installed = await admin('POST', '/admin/plugins/install', v1);
    expect(installed.status, await installed.clone().text()).toBe(201);
    expect(((await installed.json()) as { plugin: { name: string } }).plugin.name).toBe(PLUGIN);

    for (const host of hosts)
      await expect.poll(() => servesView(host.url, '1.0.0'), { interval: 50 }).toBe(true);
    // Through the proxy too: consecutive requests reach every host in turn.
    for (let i = 0; i < hosts.length; i++) expect(await servesView(proxy.url, '1.0.0')).toBe(true);

    const uninstalled = await admin('DELETE', `/admin/plugins/${PLUGIN}`);
    expect(uninstalled.status, await uninstalled.clone().text()).toBe(200);
    for (const host of hosts) {
      await expect.poll(() => servesView(host.url, '1.0.0'), { interval: 50 }).toBe(false);
      await expect.poll(() => existsSync(join(host.root, 'plugins', PLUGIN)), { interval: 50 }).toBe(false);
    }
    // Still serving the page, with the view that remains.
    expect(await viewPage(hosts[0]?.url as string)).toContain('data-view="table"');
  });

  it('a host killed half-way through applying an install converges when restarted', async () => {
    const [first, , third] = hosts as [HostProcess, HostProcess, HostProcess];
    // The third host dies (SIGKILL) right after swapping the new folder in, before committing.
    rotation = [first];
    await third.stop();
    await third.start({ NOCOFLO_CRASH_AT: 'install:after-swap' });

    const installed = await admin('POST', '/admin/plugins/install', v2);
    expect(installed.status, await installed.clone().text()).toBe(201);
    const ended = await third.exited();
    expect(ended.signal).toBe('SIGKILL');
    // Killed mid-install: the journal says so, the folder is there, nothing committed.
    const workDir = join(third.root, 'plugins', '.nocoflo-install');
    expect(readdirSync(workDir).some((name) => /^journal-.*\.json$/.test(name))).toBe(true);
    expect(existsSync(join(third.root, 'plugins', PLUGIN))).toBe(true);

    for (const host of hosts.slice(0, 2))
      await expect.poll(() => servesView(host.url, '2.0.0'), { interval: 50 }).toBe(true);

    await third.start();
    rotation = [...hosts];
    await expect.poll(() => servesView(third.url, '2.0.0'), { interval: 50 }).toBe(true);
    // Converged: the interrupted install was undone, then the stored one applied; no leftovers.
    expect(existsSync(workDir) ? readdirSync(workDir) : []).toEqual([]);
    expect(
      JSON.parse(readFileSync(join(third.root, 'plugins', PLUGIN, 'package.json'), 'utf8')).version,
    ).toBe('2.0.0');
    for (let i = 0; i < hosts.length; i++) expect(await servesView(proxy.url, '2.0.0')).toBe(true);
  });
  it('the host an install was made on, killed after recording it, converges when restarted', async () => {
    const [first, second, third] = hosts as [HostProcess, HostProcess, HostProcess];
    // The second host records the install in the store, then dies before committing it locally.
    rotation = [first, third];
    await second.stop();
    await second.start({ NOCOFLO_CRASH_AT: 'install:after-record' });
    const v3 = packPlugin(dir, '3.0.0');
    const answer = await fetch(`${second.url}/admin/plugins/install`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/gzip',
        'x-filename': `${PLUGIN}.tgz`,
      },
      body: v3,
    }).then(
      (response) => `HTTP ${response.status}`,
      () => 'no answer',
    );
    expect(answer).toBe('no answer');
    expect((await second.exited()).signal).toBe('SIGKILL');

    // Recorded: the others follow; the dead host's own copy is only prepared.
    for (const host of [first, third])
      await expect.poll(() => servesView(host.url, '3.0.0'), { interval: 50 }).toBe(true);
    await second.start();
    rotation = [...hosts];
    await expect.poll(() => servesView(second.url, '3.0.0'), { interval: 50 }).toBe(true);
    expect(
      JSON.parse(readFileSync(join(second.root, 'plugins', PLUGIN, 'package.json'), 'utf8')).version,
    ).toBe('3.0.0');
    for (let i = 0; i < hosts.length; i++) expect(await servesView(proxy.url, '3.0.0')).toBe(true);
  });
});
