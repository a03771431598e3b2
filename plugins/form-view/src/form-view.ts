/**
 * The form view: one record at a time, as a labelled form. It is a pure function of its
 * render input (the table, read access, the page parameters and URLs): no state of its
 * own, so it can run anywhere the host runs views.
 */
import {
  defineView,
  isNocofloError,
  type RowKey,
  type TableSchema,
  type ViewDataAccess,
  type ViewDefinition,
  type ViewRenderInput,
} from '@nocoflo/sdk';
import { keyOf, neighbourKey, parseTarget, readByKey, readEdge } from './navigation.js';
import { type FormModel, renderForm } from './render.js';

/** Score for tables of more than {@link WIDE_TABLE_COLUMNS} columns: a form beats a grid that scrolls sideways. */
export const FORM_VIEW_WIDE_SCORE = 80;
/** Score for narrower tables: offered, but the table view comes first. */
export const FORM_VIEW_NARROW_SCORE = 20;
/** Tables with more columns than this are shown as a form first. */
export const WIDE_TABLE_COLUMNS = 10;

/** How well the form view shows a table: high for wide tables, low otherwise, never for tables without columns. */
export function formViewScore(table: TableSchema): number | false {
  if (table.columns.length === 0) return false;
  return table.columns.length > WIDE_TABLE_COLUMNS ? FORM_VIEW_WIDE_SCORE : FORM_VIEW_NARROW_SCORE;
}

const why = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Reads a neighbour key, or says on the page why navigation is not available. */
async function neighbour(
  data: ViewDataAccess,
  table: TableSchema,
  key: RowKey,
  direction: 'next' | 'prev',
  notices: string[],
): Promise<RowKey | null | undefined> {
  try {
    return await neighbourKey(data, table, key, direction);
  } catch (error) {
    if (!isNocofloError(error)) throw error;
    const note = `Moving to the ${direction === 'next' ? 'next' : 'previous'} record is not available here: ${why(error)}`;
    if (!notices.includes(note)) notices.push(note);
    return undefined;
  }
}

/** Builds what the form shows for the page parameters. */
export async function formModel({ table, data, params, urls }: ViewRenderInput): Promise<FormModel> {
  const notices: string[] = [];
  const { target, problem } = parseTarget(table, params);
  if (problem) notices.push(problem);
  const model: FormModel = { table, record: null, isNew: false, notices, urls };
  if (target.kind === 'new') {
    if (table.writable) return { ...model, isNew: true };
    notices.push(`${table.name} cannot take new records: it is read-only.`);
  }
  if (target.kind === 'cursor') {
    const page = await data
      .readPage(table.name, { limit: 1, cursor: target.cursor })
      .catch((error: unknown) => {
        if (!isNocofloError(error, 'NCF_INVALID_QUERY')) throw error;
        notices.push('The record link was out of date; showing the first record.');
        return data.readPage(table.name, { limit: 1 });
      });
    return {
      ...model,
      record: page.rows[0] ?? null,
      cursors: { prev: page.prevCursor, next: page.nextCursor },
    };
  }
  let record = null;
  if (target.kind === 'key') {
    try {
      record = await readByKey(data, table, target.key);
      if (!record)
        notices.push('No record has that key (it may have been deleted); showing the first record.');
    } catch (error) {
      if (!isNocofloError(error)) throw error;
      notices.push(`That record cannot be looked up: ${why(error)}. Showing the first record.`);
    }
  }
  if (!record) {
    if (table.primaryKey.length === 0) {
      const page = await data.readPage(table.name, { limit: 1 });
      return { ...model, record: page.rows[0] ?? null, cursors: { prev: null, next: page.nextCursor } };
    }
    record = await readEdge(data, table, target.kind === 'last' ? 'last' : 'first');
  }
  if (!record) return model;
  const key = keyOf(table, record);
  const [prev, next] = [
    await neighbour(data, table, key, 'prev', notices),
    await neighbour(data, table, key, 'next', notices),
  ];
  return { ...model, record, prev, next };
}

/** The form view definition. */
export const formView: ViewDefinition = defineView({
  name: 'form',
  title: 'Form',
  canHandle: formViewScore,
  assets: ['./assets/form-view.css', './assets/form-view.js'],
  async render(input) {
    const model = await formModel(input);
    return { html: renderForm(model), title: `${input.table.name} (form)` };
  },
});
