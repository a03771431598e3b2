/**
 * One error class for everything nocoflo reports, in the style of Astro's error catalog:
 * every error has a stable `code`, a short `title`, a `message` that says what happened,
 * and a `hint` that says what to do about it.
 */

const BRAND = Symbol.for('nocoflo.error');

/**
 * The shape of one entry in the error catalog. `message` and `hint` take the same
 * arguments, so a call site passes the facts once.
 *
 * @typeParam Args - The facts the message and hint are built from.
 */
export interface ErrorDefinition<Args extends unknown[] = []> {
  /** Stable, machine-readable code, e.g. `NCF_MANIFEST_INVALID`. Never changes once released. */
  readonly code: string;
  /** A few words naming the problem, e.g. "Invalid plugin manifest". */
  readonly title: string;
  /** HTTP status the host answers with when this error reaches an API caller. */
  readonly status: number;
  /** What happened, built from the facts. */
  readonly message: (...args: Args) => string;
  /** What to do about it, built from the same facts. */
  readonly hint: (...args: Args) => string;
}

/**
 * Declares a catalog entry with its argument types inferred. Exists for types only.
 *
 * @example
 * ```ts
 * import { defineError } from '@nocoflo/sdk';
 * export const QuotaExceeded = defineError({
 *   code: 'ACME_QUOTA_EXCEEDED',
 *   title: 'Quota exceeded',
 *   status: 429,
 *   message: (used: number) => `You used ${used} of your 100 requests.`,
 *   hint: () => 'Wait an hour or raise the quota in the plugin config.',
 * });
 * ```
 */
export function defineError<Args extends unknown[]>(
  definition: ErrorDefinition<Args>,
): ErrorDefinition<Args> {
  return definition;
}

/** The plain-data form of a {@link NocofloError}, as the HTTP APIs send it. */
export interface SerializedNocofloError {
  /** Stable error code. */
  code: string;
  /** Short title. */
  title: string;
  /** What happened. */
  message: string;
  /** What to do. */
  hint: string;
  /** Extra structured facts (e.g. the plugin name, the offending path). */
  details?: Record<string, unknown>;
}

/** Options accepted alongside the catalog entry. */
export interface NocofloErrorOptions {
  /** The underlying error, kept for logs and debuggers. */
  cause?: unknown;
  /** Extra structured facts for API consumers. */
  details?: Record<string, unknown>;
}

/**
 * The single error class of nocoflo. Create instances from a catalog entry with
 * {@link NocofloError.create}; test for them with {@link isNocofloError}, which works
 * even when two copies of the SDK are loaded.
 */
export class NocofloError extends Error {
  /** Stable error code from the catalog. */
  readonly code: string;
  /** Short title from the catalog. */
  readonly title: string;
  /** What to do about it. */
  readonly hint: string;
  /** HTTP status for API responses. */
  readonly status: number;
  /** Extra structured facts. */
  readonly details: Record<string, unknown> | undefined;
  /** @internal */
  readonly [BRAND] = true;

  constructor(
    init: { code: string; title: string; message: string; hint: string; status?: number },
    options: NocofloErrorOptions = {},
  ) {
    super(init.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NocofloError';
    this.code = init.code;
    this.title = init.title;
    this.hint = init.hint;
    this.status = init.status ?? 500;
    this.details = options.details;
  }

  /**
   * Builds an error from a catalog entry and the facts it needs.
   *
   * @example
   * ```ts
   * import { Errors, NocofloError } from '@nocoflo/sdk';
   * throw NocofloError.create(Errors.TableNotFound, ['orders', ['customers', 'products']]);
   * ```
   */
  static create<Args extends unknown[]>(
    definition: ErrorDefinition<Args>,
    args: Args,
    options: NocofloErrorOptions = {},
  ): NocofloError {
    return new NocofloError(
      {
        code: definition.code,
        title: definition.title,
        status: definition.status,
        message: definition.message(...args),
        hint: definition.hint(...args),
      },
      options,
    );
  }

  /** Plain data for JSON responses and logs. */
  toJSON(): SerializedNocofloError {
    const out: SerializedNocofloError = {
      code: this.code,
      title: this.title,
      message: this.message,
      hint: this.hint,
    };
    if (this.details) out.details = this.details;
    return out;
  }

  /** Message, then hint: what a person reads in a terminal. */
  override toString(): string {
    return `${this.title} [${this.code}]: ${this.message}\n  hint: ${this.hint}`;
  }
}

/**
 * Whether `value` is a {@link NocofloError}, optionally with the given code or catalog entry.
 * Uses a global brand rather than `instanceof`, so it holds across duplicate SDK copies.
 *
 * @example
 * ```ts
 * import { isNocofloError } from '@nocoflo/sdk';
 * declare function save(): Promise<void>;
 *
 * try {
 *   await save();
 * } catch (error) {
 *   // Works across copies of the SDK (a plugin's and the host's), unlike instanceof.
 *   if (isNocofloError(error, 'NCF_ROW_CHANGED')) console.log('changed meanwhile:', error.details);
 *   else throw error;
 * }
 * ```
 */
export function isNocofloError(
  value: unknown,
  code?: string | ErrorDefinition<never>,
): value is NocofloError {
  if (typeof value !== 'object' || value === null || !(BRAND in value)) return false;
  if (code === undefined) return true;
  const wanted = typeof code === 'string' ? code : code.code;
  return (value as NocofloError).code === wanted;
}

/** The message of any thrown value, for wrapping foreign errors. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
}
