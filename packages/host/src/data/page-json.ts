/**
 * The rows API's answer for a page, as an isolated plugin made it, so the host's thread
 * neither parses the page's rows nor writes them again.
 *
 * A worker or process plugin's page crosses, when JSON carries it exactly
 * (runtime/isolated/page-wire.ts), as its text, written on the plugin's thread, and the
 * page's other fields (cursors, estimate) beside it; the host adds the rows' versions, read
 * from that text, to make the text of the rows API's answer, `{ ...page, versions }` as
 * `JSON.stringify` writes it. The host's page holds those fields
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

/** What a page made from an answer keeps beside its fields (under {@link STATE}). */
interface AnswerState {
  /** The answer text; undefined once `rows` was replaced (it no longer says what the page holds). */
  answer: string | undefined;
  /** The rows: parsed from the answer when first read, or what was set. */
  rows: Row[] | undefined;
}

/** The page's {@link AnswerState}: a private symbol, as a non-enumerable own property. */
const STATE = Symbol('nocoflo.pageAnswer');

type AnswerPage = Page & { [STATE]: AnswerState };

// One getter and one setter for every page, not a closure pair per page. V8 keeps an
// object's accessors in its hidden class (map), and maps live in the old generation: fresh
// closures gave every page a map of its own, whose pointers to the page's young closures
// (and through them the answer text) kept every page alive through the young-generation
// collections until a full one. The host's thread promoted ~10 KB per rows request, and
// its minor collections took six times as long as with a plain page. With shared
// functions, every page with the same fields shares one map.
function getRows(this: AnswerPage): Row[] | undefined {
  const state = this[STATE];
  if (state.rows === undefined && state.answer !== undefined)
    state.rows = (JSON.parse(state.answer) as { rows: Row[] }).rows;
  return state.rows;
}

function setRows(this: AnswerPage, value: Row[]): void {
  const state = this[STATE];
  state.rows = value;
  state.answer = undefined;
}

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
  const page = {} as AnswerPage;
  for (const key of Object.keys(fields)) {
    if (key === 'rows') {
      Object.defineProperty(page, 'rows', {
        enumerable: true,
        configurable: true,
        get: getRows,
        set: setRows,
      });
    } else if (key !== '__proto__') {
      (page as unknown as Record<string, unknown>)[key] = fields[key];
    }
  }
  const state: AnswerState = { answer, rows: undefined };
  Object.defineProperty(page, STATE, { value: state });
  return page;
}

/**
 * The JSON text of `{ ...page, versions }` the page came with (see {@link pageFromAnswer}), or
 * undefined: an inline datasource's page, a page JSON could not carry, or one whose rows
 * were replaced since.
 */
export function pageAnswer(page: Page): string | undefined {
  return (page as Partial<AnswerPage>)[STATE]?.answer;
}
