/**
 * `@nocoflo/form-view`: one record at a time as a labelled form, with first / previous /
 * next / last in key order, jump by key, typed inputs with NULL toggles, insert, delete
 * with confirmation and links along foreign keys. Preferred for tables of more than ten
 * columns.
 *
 * @packageDocumentation
 */
import { definePlugin } from '@nocoflo/sdk';
import { formView } from './form-view.js';

export {
  FORM_VIEW_NARROW_SCORE,
  FORM_VIEW_WIDE_SCORE,
  formModel,
  formView,
  formViewScore,
  WIDE_TABLE_COLUMNS,
} from './form-view.js';
export { type InputKind, type InputOptions, inputKind, renderInput, toJson } from './inputs.js';
export {
  keyOf,
  neighbourKey,
  type ParsedTarget,
  parseTarget,
  type RecordTarget,
  readByKey,
  readEdge,
} from './navigation.js';
export { type FormModel, formHref, renderForm, siblingPage } from './render.js';

/** The plugin: contributes the `form` view. */
export default definePlugin({ views: [formView] });
