/**
 * The rows API's answer for a page, as an isolated plugin made it, so the host's thread
 * neither parses the page's rows nor writes them again.
 *
 * A worker or process plugin's page crosses, when JSON carries it exactly
 * (runtime/isolated/page-wire.ts), as the text of the rows API's answer, `{ ...page, versions }`
 * as `JSON.stringify` writes it, made on the plugin's thread with the rows' versions, and
 * the page's other fields (cursors, estimate) beside it. The host's page holds those fields
 * and parses its rows from the text only when something reads them: the rows API answers
 * with the text and reads no row, and the data hooks read only the row count when a tap
 * is there to see it. Parsing 100 rows (and collecting them afterwards) was the host
 * thread's largest cost of a page after the socket write.
 *
 * The text is not checked on the host's thread beyond its being an object (`{…}`): like the
 * rows themselves, it is what the plugin's own datasource answered, sent to its client with
 * the JSON content type; a plugin could send a malformed page, not reach anything else.
 */
import type { Page, Row } from '@nocoflo/sdk';

const answers = new WeakMap<Page, string>();

/**
 * A page with `fields` (the page's own keys, in their order, `rows` among them) whose rows
 * are parsed from `answer` when first read. Setting `rows` replaces them and forgets the
 * answer (it no longer says what the page holds). An answer that is not a JSON object's text
 * is parsed at once, so it fails here as it did before (a SyntaxError).
 */
export function pageFromAnswer(answer: string, fields: Readonly<Record<string, unknown>>): Page {
  if (answer[0] !== '{' || answer[answer.length - 1] !== '}') {
    const parsed = JSON.parse(answer) as Page & { versions?: unknown };
    const { versions: _versions, ...page } = parsed;
    return page;
  }
  const page = {} as Page;
  let rows: Row[] | undefined;
  for (const key of Object.keys(fields)) {
    if (key === 'rows') {
      Object.defineProperty(page, 'rows', {
        enumerable: true,
        configurable: true,
        get: () => {
          rows ??= (JSON.parse(answer) as { rows: Row[] }).rows;
          return rows;
        },
        set: (value: Row[]) => {
          rows = value;
          answers.delete(page);
        },
      });
    } else if (key !== '__proto__') {
      (page as unknown as Record<string, unknown>)[key] = fields[key];
    }
  }
  answers.set(page, answer);
  return page;
}

/**
 * The JSON text of `{ ...page, versions }` the page came with (see {@link pageFromAnswer}), or
 * undefined: an inline datasource's page, a page JSON could not carry, or one whose rows
 * were replaced since.
 */
export function pageAnswer(page: Page): string | undefined {
  return answers.get(page);
}
