/**
 * Redaction of secret values from log lines and error messages. The host adds every secret
 * it decrypts (secret config fields) or reads (the admin token) to one redactor per process;
 * log lines, plugin errors and API error bodies pass through it, so a plugin that logs or
 * throws its own API key shows `[redacted]` instead.
 */
import type { Logger, SerializedNocofloError } from '@nocoflo/sdk';

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not redacted (they would blank out ordinary words). */
const MIN_LENGTH = 6;

/** Known secret values, and their replacement in text. */
export class SecretRedactor {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | undefined;

  /** Adds secret values (strings and numbers; objects are walked). */
  add(value: unknown): void {
    const before = this.#secrets.size;
    const visit = (inner: unknown, depth: number) => {
      if (depth > 16) return;
      if (typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'bigint') {
        const text = String(inner);
        if (text.length >= MIN_LENGTH) this.#secrets.add(text);
      } else if (inner && typeof inner === 'object') {
        for (const child of Object.values(inner)) visit(child, depth + 1);
      }
    };
    visit(value, 0);
    if (this.#secrets.size !== before) this.#pattern = undefined;
  }

  /** The text with every known secret replaced by `[redacted]`. */
  redact(text: string): string {
    if (this.#secrets.size === 0) return text;
    this.#pattern ??= new RegExp(
      [...this.#secrets]
        .sort((a, b) => b.length - a.length)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, REDACTED);
  }

  /** A copy of a JSON-like value with every string redacted. */
  redactDeep<T>(value: T): T {
    if (this.#secrets.size === 0) return value;
    const walk = (inner: unknown, depth: number): unknown => {
      if (typeof inner === 'string') return this.redact(inner);
      if (depth > 32 || !inner || typeof inner !== 'object') return inner;
      if (Array.isArray(inner)) return inner.map((item) => walk(item, depth + 1));
      if (Object.getPrototypeOf(inner) !== Object.prototype && Object.getPrototypeOf(inner) !== null)
        return inner;
      return Object.fromEntries(Object.entries(inner).map(([key, item]) => [key, walk(item, depth + 1)]));
    };
    return walk(value, 0) as T;
  }

  /** A serialized error with its message, hint and details redacted. */
  redactError(error: SerializedNocofloError): SerializedNocofloError {
    return this.redactDeep(error);
  }
}

/** The process's redactor. */
export const secretRedactor = new SecretRedactor();

/** A logger that redacts known secrets from messages and data before passing them on. */
export function redactingLogger(logger: Logger, redactor: SecretRedactor = secretRedactor): Logger {
  const wrap =
    (level: keyof Logger) =>
    (message: string, data?: Record<string, unknown>): void =>
      logger[level](redactor.redact(message), data === undefined ? undefined : redactor.redactDeep(data));
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}
