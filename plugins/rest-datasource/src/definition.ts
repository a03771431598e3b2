import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import {
  type DatasourceDefinition,
  type DatasourceOpenOptions,
  defineDatasource,
  Errors,
  errorMessage,
  NocofloError,
  redactUrl,
} from '@nocoflo/sdk';
import { RestDatasource } from './datasource.js';
import { RestHttpClient } from './http.js';
import { describeIssues, type RestSpec, restSpecSchema } from './spec.js';
import type { RestSpecInput } from './spec-types.js';

/** Options of {@link openRest}: the host's open options, and specs from the plugin's config. */
export interface RestOpenOptions extends DatasourceOpenOptions {
  /** Specs by API base URL (the plugin's config), for URLs without `?spec=`; validated at open. */
  apis?: Readonly<Record<string, RestSpecInput>>;
}

function fail(url: string, reason: string, hint: string): never {
  throw NocofloError.create(Errors.ConnectionFailed, [url, reason, hint]);
}

/** The URL with every credential redacted (the SDK's one redaction function); its `spec` option stays visible. */
export function redactRestUrl(url: string): string {
  return redactUrl(url);
}

async function loadSpec(url: URL, displayUrl: string, options: RestOpenOptions): Promise<RestSpec> {
  const file = url.searchParams.get('spec');
  let input: unknown;
  if (file !== null) {
    const path = isAbsolute(file) ? file : resolve(options.cwd ?? process.cwd(), file);
    try {
      input = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      fail(
        displayUrl,
        `the spec ${path} could not be read: ${errorMessage(error)}`,
        "Point ?spec= at a JSON file describing the API's tables (see the README of @nocoflo/rest-datasource).",
      );
    }
  } else {
    const bare = `${url.origin}${url.pathname}`.replace(/\/$/, '');
    const match = Object.entries(options.apis ?? {})
      .filter(([base]) => bare.startsWith(base.replace(/\/$/, '')))
      .sort(([a], [b]) => b.length - a.length)[0];
    if (!match) {
      fail(
        displayUrl,
        'there is no table spec for this API',
        'Add ?spec=./tables.json to the URL, or give the plugin a spec for this base URL in its config ("apis").',
      );
    }
    input = match[1];
  }
  const parsed = restSpecSchema.safeParse(input);
  if (!parsed.success) {
    fail(
      displayUrl,
      `its spec is invalid: ${describeIssues(parsed.error)}`,
      'Fix the spec file; see the README of @nocoflo/rest-datasource for its fields.',
    );
  }
  return parsed.data;
}

/**
 * Opens a JSON REST API as a read-only datasource: `https://api.example.com/v1?spec=./tables.json`
 * (the spec path is relative to the host root), or a base URL the plugin's config has a spec
 * for. A user and password in the URL become Basic credentials; the spec's `headers` and
 * `headersFromEnv` are sent too, and only ever to this URL's origin.
 *
 * @example
 * ```ts
 * import { openRest } from '@nocoflo/rest-datasource';
 * const ds = await openRest('https://api.example.com/v1?spec=./tables.json', { cwd: process.cwd() });
 * const page = await ds.readPage('tracks', { limit: 50, filter: [{ column: 'genre', op: 'eq', value: 'Jazz' }] });
 * await ds.close();
 * ```
 */
export async function openRest(url: string, options: RestOpenOptions = {}): Promise<RestDatasource> {
  const displayUrl = redactRestUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(displayUrl, 'it is not a valid URL', 'Write https://api.example.com/v1?spec=./tables.json.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    fail(displayUrl, 'it is not an http(s) URL', 'Write https://api.example.com/v1?spec=./tables.json.');
  }
  const spec = await loadSpec(parsed, displayUrl, options);
  const headers: Record<string, string> = { ...spec.headers };
  for (const [header, variable] of Object.entries(spec.headersFromEnv)) {
    const value = process.env[variable];
    if (value === undefined) {
      fail(
        displayUrl,
        `the header ${header} comes from the environment variable ${variable}, which is not set`,
        `Set ${variable} for the host process.`,
      );
    }
    headers[header] = value;
  }
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    headers.authorization ??= `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  const base = new URL(parsed.href);
  base.username = '';
  base.password = '';
  base.search = '';
  base.hash = '';
  const client = new RestHttpClient(base.origin, headers, spec);
  return new RestDatasource(base, spec, client, displayUrl);
}

/** The datasource factory for `http:` and `https:` URLs, with specs from `apis` (the plugin's config). */
export function restDatasourceDefinition(apis: RestOpenOptions['apis'] = {}): DatasourceDefinition {
  return defineDatasource({
    name: 'rest',
    schemes: ['http', 'https'],
    description: 'JSON REST APIs, read-only: https://api.example.com/v1?spec=./tables.json',
    open: (url: string, options: DatasourceOpenOptions) => openRest(url, { ...options, apis }),
  });
}
