/**
 * `nocoflo serve` on URLs it cannot open: a missing SQLite file, a missing PostgreSQL
 * database, a scheme no plugin handles. It says so at start and exits non-zero, unless the
 * operator asks it to serve anyway (`--serve-unavailable`).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../fixtures/serve.js';

const pgUrl = process.env.NOCOFLO_PG_URL;
const work = mkdtempSync(join(tmpdir(), 'ncf-unavailable-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The URLs of this test: each cannot be opened. */
function unavailableUrls(): string[] {
  const urls = [`sqlite:${join(work, 'missing.sqlite')}`, 'nosuchscheme://somewhere/db'];
  if (pgUrl) {
    const url = new URL(pgUrl);
    url.pathname = `/ncf_missing_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    urls.push(url.toString());
  }
  return urls;
}

describe('nocoflo serve with datasources it cannot open', () => {
  it('names each one at start and exits non-zero instead of saying "serving"', async () => {
    const urls = unavailableUrls();
    const failure = await startServer({ urls }).then(
      async (server) => {
        await server.stop();
        return undefined;
      },
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/exited with 1 before serving/);
    expect(failure).not.toMatch(/is serving/);
    expect(failure).toContain('missing.sqlite');
    expect(failure).toContain('nosuchscheme');
    if (pgUrl) expect(failure).toMatch(/ncf_missing_\w+/);
    expect(failure).toContain('--serve-unavailable');
  });

  it('serves anyway when asked, with a warning', async () => {
    const server = await startServer({ urls: unavailableUrls(), args: ['--serve-unavailable'] });
    try {
      expect(server.output()).toMatch(/warning: \d datasources cannot be opened; serving anyway/);
      const home = await (await fetch(server.url, { headers: { accept: 'text/html' } })).text();
      expect(home).toContain('missing.sqlite');
    } finally {
      await server.stop();
    }
  });
});
