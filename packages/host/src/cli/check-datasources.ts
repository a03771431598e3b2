/**
 * Before `nocoflo serve` says it is serving: opens each datasource URL once and tests its
 * connection, so a missing SQLite file, a missing PostgreSQL database or a scheme no plugin
 * handles is said at start instead of on the first page view.
 */
import { errorMessage, isNocofloError } from '@nocoflo/sdk';
import { redactUrl } from '../contributions/datasource-registry.js';
import type { PluginHost } from '../types.js';

/** A datasource URL that could not be opened, and why. */
export interface UnavailableDatasource {
  /** The URL, without its password. */
  url: string;
  /** What went wrong, with the hint when there is one. */
  reason: string;
}

/** Opens, tests and closes every URL; returns those that failed (none: all can be served). */
export async function findUnavailableDatasources(
  host: PluginHost,
  urls: readonly string[],
): Promise<UnavailableDatasource[]> {
  const failures: UnavailableDatasource[] = [];
  for (const url of urls) {
    try {
      const datasource = await host.datasources.open(url);
      try {
        await datasource.testConnection();
      } finally {
        await datasource.close();
      }
    } catch (error) {
      const reason = isNocofloError(error)
        ? `${error.message}${error.hint ? `\n    hint: ${error.hint}` : ''}`
        : errorMessage(error);
      failures.push({ url: redactUrl(url), reason });
    }
  }
  return failures;
}

/** The start-up message for unavailable datasources. */
export function describeUnavailable(failures: readonly UnavailableDatasource[], serving: boolean): string {
  const lines = failures.map((f) => `  ${f.url}: ${f.reason}\n`).join('');
  const what =
    failures.length === 1
      ? 'A datasource cannot be opened'
      : `${failures.length} datasources cannot be opened`;
  return serving
    ? `warning: ${what}; serving anyway (--serve-unavailable), its pages show the error:\n${lines}`
    : `${what}, so nothing is served:\n${lines}Fix the URL (or create the file or database), or pass --serve-unavailable to serve the others anyway.\n`;
}
