/**
 * Names for the statements a datasource runs over and over (the SQL of a page or an
 * aggregate, with its values as parameters), so that PostgreSQL parses and plans each text
 * once per connection, as a named prepared statement, instead of on every request.
 *
 * - Bounded: the first {@link MAX_NAMED_STATEMENTS} distinct texts get a name; any text
 *   after them runs unnamed. The server keeps a connection's prepared statements until the
 *   connection closes, and the pool closes idle ones (`idle_timeout`).
 * - Unique to one datasource (a random prefix): a server that shares one session between
 *   clients (a pooler, pglite-socket) never sees two texts under one name.
 * - Given up when the server does not keep them: a named statement the server says is
 *   missing or already there (a pooler in transaction mode that does not track prepared
 *   statements) stops naming for the datasource, and the read runs again unnamed. A plan
 *   whose result type changed under it (a column's type altered) retires that name; the text
 *   runs unnamed from then on.
 * - `prepare=false` in the URL turns naming off.
 */
import { randomBytes } from 'node:crypto';

/** Distinct statement texts one datasource names at most. */
export const MAX_NAMED_STATEMENTS = 100;

/** `invalid_sql_statement_name`: the named statement does not exist on this connection. */
const MISSING = '26000';
/** `duplicate_prepared_statement`: the name is taken on this (shared) session. */
const DUPLICATE = '42P05';
/** `feature_not_supported`, as "cached plan must not change result type". */
const PLAN_CHANGED = '0A000';

/** The statement names of one datasource. */
export class StatementNames {
  readonly #prefix = `ncf_${randomBytes(4).toString('hex')}_`;
  readonly #names = new Map<string, string>();
  /** Texts whose name was retired: they run unnamed. */
  readonly #retired = new Set<string>();
  /** Names given so far (retired ones included): no name is given twice. */
  #issued = 0;
  #enabled: boolean;

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  /** Whether statements are still named. */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** The name `text` runs under, or undefined: run it unnamed. */
  nameOf(text: string): string | undefined {
    if (!this.#enabled) return undefined;
    const known = this.#names.get(text);
    if (known !== undefined) return known;
    if (this.#issued >= MAX_NAMED_STATEMENTS || this.#retired.has(text)) return undefined;
    const name = `${this.#prefix}${this.#issued++}`;
    this.#names.set(text, name);
    return name;
  }

  /**
   * After a named run of `text` failed with `error`: whether to run it again unnamed (and
   * naming has been adjusted so that it will be); false when the error is not about naming.
   */
  retryUnnamed(text: string, error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === MISSING || code === DUPLICATE) {
      this.#enabled = false;
      return true;
    }
    if (code === PLAN_CHANGED && this.#names.delete(text)) {
      this.#retired.add(text);
      return true;
    }
    return false;
  }
}
