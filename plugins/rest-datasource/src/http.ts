/**
 * The datasource's HTTP client: Node's `fetch` with a deadline per request (headers and
 * body), retries with backoff on 429, 5xx and network failures (honouring `Retry-After`),
 * a limit on the response size, redirects followed by hand, and credentials that only
 * ever go to the configured origin: a redirect or page link to another host is refused,
 * never followed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Errors, errorMessage, NocofloError } from '@nocoflo/sdk';

/** What a successful request gives back. */
export interface JsonResponse {
  /** The URL that answered (after same-origin redirects). */
  url: URL;
  /** Response headers. */
  headers: Headers;
  /** The parsed JSON body. */
  body: unknown;
}

/** How the client behaves; see the spec for each field's meaning and default. */
export interface HttpOptions {
  /** Deadline per attempt, ms. */
  timeoutMs: number;
  /** Retries after 429, 5xx or a network failure. */
  retries: number;
  /** Longest wait between retries, ms. */
  maxRetryDelayMs: number;
  /** Largest accepted body, bytes. */
  maxResponseBytes: number;
}

const MAX_REDIRECTS = 5;
const RETRY_STATUS = (status: number) => status === 429 || status >= 500;

function failure(operation: string, reason: string, cause?: unknown): NocofloError {
  return NocofloError.create(Errors.DatasourceError, [operation, reason], cause ? { cause } : undefined);
}

/** Milliseconds a `Retry-After` header asks for (delta seconds or an HTTP date), or null. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A GET-only JSON client bound to one origin and its credentials. */
export class RestHttpClient {
  readonly #origin: string;
  readonly #headers: Record<string, string>;
  readonly #options: HttpOptions;
  /** Requests sent (attempts included), for tests and diagnostics. */
  requests = 0;

  /**
   * @param origin - The only origin requests go to (`https://api.example.com`).
   * @param headers - Headers for every request, credentials included.
   * @param options - Deadlines, retries and limits.
   */
  constructor(origin: string, headers: Record<string, string>, options: HttpOptions) {
    this.#origin = origin;
    this.#headers = { accept: 'application/json', ...headers };
    this.#options = options;
  }

  /** Whether a URL is on the configured origin (the only one that gets requests). */
  sameOrigin(url: URL): boolean {
    return url.origin === this.#origin;
  }

  /** GETs a URL of the configured origin and parses its JSON body. */
  async getJson(start: URL, signal?: AbortSignal): Promise<JsonResponse> {
    let url = start;
    const what = () => `GET ${url.pathname}${url.search}`;
    for (let redirects = 0, attempt = 0; ; ) {
      if (!this.sameOrigin(url)) {
        throw failure(
          what(),
          `the URL is on ${url.host}, not on the configured ${new URL(this.#origin).host}; nocoflo only sends requests (and credentials) to the configured host`,
        );
      }
      const deadline = AbortSignal.timeout(this.#options.timeoutMs);
      const combined = signal ? AbortSignal.any([deadline, signal]) : deadline;
      let response: Response;
      try {
        this.requests++;
        response = await fetch(url, { headers: this.#headers, redirect: 'manual', signal: combined });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (deadline.aborted) throw this.#timeout(what(), error);
        if (attempt < this.#options.retries) {
          await this.#wait(attempt++, null, signal);
          continue;
        }
        throw failure(
          what(),
          `the request failed: ${errorMessage((error as { cause?: unknown }).cause ?? error)}`,
          error,
        );
      }
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel().catch(() => {});
        const next = new URL(response.headers.get('location') ?? '', url);
        if (!this.sameOrigin(next)) {
          throw failure(
            what(),
            `the API redirected to ${next.host}; redirects off the configured host ${url.host} are not followed, so no credentials leave it`,
          );
        }
        if (++redirects > MAX_REDIRECTS) throw failure(what(), `more than ${MAX_REDIRECTS} redirects`);
        url = next;
        continue;
      }
      if (RETRY_STATUS(response.status) && attempt < this.#options.retries) {
        await response.body?.cancel().catch(() => {});
        await this.#wait(attempt++, retryAfterMs(response.headers.get('retry-after')), signal);
        continue;
      }
      let text: string;
      try {
        text = await this.#readBody(response, what());
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (deadline.aborted) throw this.#timeout(what(), error);
        throw error;
      }
      if (!response.ok) {
        const reason = `the API answered ${response.status} ${response.statusText}: ${snippet(text)}`;
        if (response.status === 401 || response.status === 403) {
          throw NocofloError.create(Errors.ConnectionFailed, [
            this.#origin,
            reason,
            'Check the credentials: the headers (or headersFromEnv) of the spec, or the user and password in the URL.',
          ]);
        }
        throw failure(what(), reason);
      }
      try {
        return { url, headers: response.headers, body: JSON.parse(text) as unknown };
      } catch {
        const type = response.headers.get('content-type') ?? 'no content type';
        throw failure(what(), `the API answered with something that is not JSON (${type}): ${snippet(text)}`);
      }
    }
  }

  #timeout(what: string, cause: unknown): NocofloError {
    return failure(
      what,
      `the API did not answer within ${this.#options.timeoutMs} ms (headers and body); raise timeoutMs in the spec for a slow API`,
      cause,
    );
  }

  async #wait(attempt: number, requested: number | null, signal: AbortSignal | undefined): Promise<void> {
    // Exponential backoff with jitter, unless the server says how long to wait.
    const backoff = 250 * 2 ** attempt * (0.5 + Math.random() / 2);
    const delay = Math.min(requested ?? backoff, this.#options.maxRetryDelayMs);
    await sleep(delay, undefined, signal ? { signal } : undefined);
  }

  async #readBody(response: Response, what: string): Promise<string> {
    const limit = this.#options.maxResponseBytes;
    const declared = Number(response.headers.get('content-length'));
    const tooLarge = (size: string) =>
      failure(
        what,
        `the response is ${size}, larger than maxResponseBytes (${limit} bytes); raise it in the spec, or ask for smaller pages`,
      );
    if (Number.isFinite(declared) && declared > limit) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(`${declared} bytes`);
    }
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(`over ${limit} bytes`);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 120)}…` : flat);
}
