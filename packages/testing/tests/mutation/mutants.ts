// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the patches are source text that holds template literals
/**
 * The mutation corpus: typical bugs, each a small patch (one exact text replacement) applied
 * to a temporary copy of a reference subject. View bugs patch reference-view.ts; datasource
 * bugs patch the testing kit's own memory datasource (src/mocks/memory-datasource), which
 * passes the datasource suite unpatched. mutation.test.ts requires the suites to catch at
 * least 95% of them and names the ones that escape.
 */

/** One planted bug. */
export interface Mutant {
  /** Stable id, used in test names. */
  id: string;
  /** What the bug is, as a person would report it. */
  bug: string;
  /** The file patched: `view` (reference-view.ts) or a path under src/ of this package. */
  file: 'view' | `src/${string}`;
  /** Text that occurs exactly once in the file… */
  find: string;
  /** …and what it becomes. */
  replace: string;
}

const MEMORY = 'src/mocks/memory-datasource/memory-datasource.ts';
const QUERY = 'src/mocks/memory-datasource/query.ts';
const AGGREGATE = 'src/mocks/memory-datasource/aggregate.ts';
const COERCE = 'src/mocks/memory-datasource/coerce.ts';

/** The view bugs. */
const VIEW_MUTANTS: Mutant[] = [
  {
    id: 'view-skips-first-row',
    bug: 'an off-by-one skips the first row of each page',
    file: 'view',
    find: 'const rows = page.rows\n',
    replace: 'const rows = page.rows\n      .slice(1)\n',
  },
  {
    id: 'view-drops-last-row',
    bug: 'an off-by-one drops the last row of each page',
    file: 'view',
    find: 'const rows = page.rows\n',
    replace: 'const rows = page.rows\n      .slice(0, -1)\n',
  },
  {
    id: 'view-reverses-rows',
    bug: 'rows are shown in reverse order',
    file: 'view',
    find: 'const rows = page.rows\n',
    replace: 'const rows = [...page.rows]\n      .reverse()\n',
  },
  {
    id: 'view-inverts-sort',
    bug: 'the sort direction asked of the datasource is inverted',
    file: 'view',
    find: 'sort: [{ column: sortColumn, direction }]',
    replace: "sort: [{ column: sortColumn, direction: direction === 'asc' ? 'desc' : 'asc' }]",
  },
  {
    id: 'view-ignores-sort',
    bug: 'the sort parameter is marked in the header but never sent to the datasource',
    file: 'view',
    find: '...(sortColumn ? { sort: [{ column: sortColumn, direction }] } : {}),',
    replace: '',
  },
  {
    id: 'view-mislabels-sort',
    bug: 'aria-sort says the opposite of the sort applied',
    file: 'view',
    find: "direction === 'asc' ? 'ascending' : 'descending'",
    replace: "direction === 'asc' ? 'descending' : 'ascending'",
  },
  {
    id: 'view-ignores-cursor',
    bug: 'the cursor parameter is ignored: "Next" shows the first page again',
    file: 'view',
    find: 'cursor: params.cursor ?? null,',
    replace: 'cursor: null,',
  },
  {
    id: 'view-next-link-wrong-param',
    bug: 'the "Next" link puts the cursor in a parameter render never reads',
    file: 'view',
    find: '{ ...keep, cursor: page.nextCursor }',
    replace: '{ ...keep, after: page.nextCursor }',
  },
  {
    id: 'view-next-link-drops-sort',
    bug: 'the "Next" link of a sorted page forgets the sort, so its cursor does not fit',
    file: 'view',
    find: '{ ...keep, cursor: page.nextCursor }',
    replace: '{ cursor: page.nextCursor }',
  },
  {
    id: 'view-swallows-errors',
    bug: 'a datasource error is shown as "No rows"',
    file: 'view',
    find: 'html: `<div class="ref-error" role="alert"><code>${escapeHtml(code)}</code> ${escapeHtml(errorMessage(error))}</div>`,',
    replace: 'html: `<div class="ref-empty" data-code="${code.length}"><p>No rows</p></div>`,',
  },
  {
    id: 'view-hides-error-cause',
    bug: 'a datasource error becomes a vague "Something went wrong"',
    file: 'view',
    find: 'html: `<div class="ref-error" role="alert"><code>${escapeHtml(code)}</code> ${escapeHtml(errorMessage(error))}</div>`,',
    replace:
      'html: `<div class="ref-error" role="alert" data-len="${code.length}">Something went wrong</div>`,',
  },
  {
    id: 'view-null-as-empty',
    bug: 'NULL is shown as an empty cell with no marker',
    file: 'view',
    find: `return '<td class="null">NULL</td>';`,
    replace: `return '<td></td>';`,
  },
  {
    id: 'view-key-json-single-quoted',
    bug: "the row key's JSON goes unescaped into a single-quoted attribute",
    file: 'view',
    find: '<tr data-key="${escapeHtml(key)}">',
    replace: "<tr data-key='${key}'>",
  },
  {
    id: 'view-unescaped-cells',
    bug: 'text cells are not escaped',
    file: 'view',
    find: 'return `<td>${escapeHtml(String(value))}</td>`;',
    replace: 'return `<td>${String(value)}</td>`;',
  },
  {
    id: 'view-unescaped-column-names',
    bug: 'column names in the header are not escaped',
    file: 'view',
    find: '">${escapeHtml(c.name)}</a></th>`',
    replace: '">${c.name}</a></th>`',
  },
  {
    id: 'view-unclosed-when-empty',
    bug: 'the empty-table message leaves its wrapper open',
    file: 'view',
    find: `'<div class="ref-empty"><p>No rows</p></div>'`,
    replace: `'<div class="ref-empty"><p>No rows</p>'`,
  },
  {
    id: 'view-score-out-of-range',
    bug: 'canHandle answers a score above 100',
    file: 'view',
    find: 'table.columns.length > 0 ? 20 : false',
    replace: 'table.columns.length > 0 ? 200 : false',
  },
  {
    id: 'view-crashes-without-columns',
    bug: 'canHandle throws on a table without columns',
    file: 'view',
    find: 'canHandle: (table) => (table.columns.length > 0 ? 20 : false),',
    replace: "canHandle: (table) => ((table.columns[0] as { name: string }).name !== '' ? 20 : false),",
  },
  {
    id: 'view-crashes-when-empty',
    bug: 'render throws on an empty table',
    file: 'view',
    find: 'const body = page.rows.length',
    replace: 'const body = Object.keys(page.rows[0] as object).length',
  },
  {
    id: 'view-crashes-on-binary',
    bug: 'render decodes binary cells as UTF-8 and throws on invalid bytes',
    file: 'view',
    find: 'return `<td>${value.byteLength} bytes</td>`;',
    replace: "return `<td>${escapeHtml(new TextDecoder('utf-8', { fatal: true }).decode(value))}</td>`;",
  },
  {
    id: 'view-title-not-string',
    bug: 'render returns a title that is not a string',
    file: 'view',
    find: 'title: `${table.name} (reference)`',
    replace: 'title: table.columns.length as unknown as string',
  },
];

/** The datasource bugs, in the memory datasource. */
const DATASOURCE_MUTANTS: Mutant[] = [
  {
    id: 'ds-cursor-repeats-boundary',
    bug: 'the next page starts at the last row of the page before (>= instead of >)',
    file: MEMORY,
    find: 'start = ordered.findIndex((r) => compareTuples(sort, r.key, boundary) > 0);',
    replace: 'start = ordered.findIndex((r) => compareTuples(sort, r.key, boundary) >= 0);',
  },
  {
    id: 'ds-cursor-skips-row',
    bug: 'the next page skips the first row after the cursor',
    file: MEMORY,
    find: '        if (start < 0) start = ordered.length;\n',
    replace: '        if (start < 0) start = ordered.length;\n        else start += 1;\n',
  },
  {
    id: 'ds-prev-cursor-off-by-one',
    bug: 'the page before a "before" cursor includes the boundary row',
    file: MEMORY,
    find: 'end = ordered.findIndex((r) => compareTuples(sort, r.key, boundary) >= 0);',
    replace: 'end = ordered.findIndex((r) => compareTuples(sort, r.key, boundary) > 0);',
  },
  {
    id: 'ds-limit-plus-one',
    bug: 'a page holds one row more than the limit',
    file: MEMORY,
    find: 'let end = Math.min(limit, ordered.length);',
    replace: 'let end = Math.min(limit + 1, ordered.length);',
  },
  {
    id: 'ds-next-cursor-on-last-page',
    bug: 'the last page still has a nextCursor',
    file: MEMORY,
    find: 'last && end < ordered.length',
    replace: 'last && end <= ordered.length',
  },
  {
    id: 'ds-no-prev-cursor-on-last-page',
    bug: 'the last page has no prevCursor, so paging back from it is impossible',
    file: MEMORY,
    find: 'first && start > 0',
    replace: 'first && start > 0 && end < ordered.length',
  },
  {
    id: 'ds-accepts-limit-zero',
    bug: 'limit 0 is accepted instead of refused',
    file: MEMORY,
    find: 'limit < 1 || limit > MAX_LIMIT',
    replace: 'limit < 0 || limit > MAX_LIMIT',
  },
  {
    id: 'ds-raw-error-unknown-table',
    bug: 'an unknown table throws a plain Error, not NCF_TABLE_NOT_FOUND',
    file: MEMORY,
    find: 'throw NocofloError.create(Errors.TableNotFound, [String(name), [...this.#tables.keys()].sort()]);',
    replace: 'throw new Error(`no such table: ${String(name)}`);',
  },
  {
    id: 'ds-projection-drops-key',
    bug: 'reading some columns leaves the key columns out',
    file: MEMORY,
    find: 'for (const key of table.schema.primaryKey) wanted.add(key);',
    replace: '',
  },
  {
    id: 'ds-stream-first-batch-only',
    bug: 'stream ends after the first batch',
    file: MEMORY,
    find: 'cursor = page.nextCursor;',
    replace: 'cursor = null;',
  },
  {
    id: 'ds-ignores-not-null',
    bug: 'NULL is written into a NOT NULL column',
    file: MEMORY,
    find: 'if (!col.nullable && row[col.name] === null) {',
    replace: 'if (!col.nullable && row[col.name] === undefined) {',
  },
  {
    id: 'ds-allows-duplicate-key',
    bug: 'an insert with an existing key adds a second row',
    file: MEMORY,
    find: 'if (clash) {',
    replace: 'if (clash && key.length > 99) {',
  },
  {
    id: 'ds-update-ignores-null',
    bug: 'an update to NULL is silently skipped',
    file: MEMORY,
    find: 'if (value === undefined) continue;',
    replace: 'if (value === undefined || value === null) continue;',
  },
  {
    id: 'ds-writes-views',
    bug: 'a database view (not writable) accepts writes',
    file: MEMORY,
    find: 'if (!table.schema.writable) {',
    replace: 'if (!table.schema.writable && table.schema.kind === "table") {',
  },
  {
    id: 'ds-insert-returns-input',
    bug: 'insert returns what it was given, not the stored row (defaults missing)',
    file: MEMORY,
    find: 'return copyRow(this.#insertRow(table, values).values);',
    replace: 'this.#insertRow(table, values);\n    return { ...values };',
  },
  {
    id: 'ds-desc-ignored',
    bug: 'descending sorts come back ascending',
    file: QUERY,
    find: "if (c !== 0) return s.direction === 'asc' ? c : -c;",
    replace: 'if (c !== 0) return c;',
  },
  {
    id: 'ds-no-key-tiebreak',
    bug: 'the order is not total: the key is not appended to the sort',
    file: QUERY,
    find: "      resolved.push({ column: column(table, key), direction: 'asc' });",
    replace: '      void key;',
  },
  {
    id: 'ds-isnull-misses-null',
    bug: 'the isNull filter misses NULL',
    file: QUERY,
    find: "if (op === 'isNull') return (row) => row[name] === null || row[name] === undefined;",
    replace: "if (op === 'isNull') return (row) => row[name] === undefined;",
  },
  {
    id: 'ds-neq-matches-null',
    bug: 'neq matches NULL rows',
    file: QUERY,
    find: "    if (v === null || operand === null) return false;\n    if (op === 'eq')",
    replace:
      "    if (operand === null) return false;\n    if (v === null) return op === 'neq';\n    if (op === 'eq')",
  },
  {
    id: 'ds-lte-as-lt',
    bug: 'lte leaves out equal values',
    file: QUERY,
    find: "op === 'lte' ? c <= 0",
    replace: "op === 'lte' ? c < 0",
  },
  {
    id: 'ds-startswith-as-contains',
    bug: 'startsWith matches anywhere in the text',
    file: QUERY,
    find: 'matchesText(op, v, needle, caseSensitive)',
    replace: "matchesText(op === 'startsWith' ? 'contains' : op, v, needle, caseSensitive)",
  },
  {
    id: 'ds-notin-matches-null',
    bug: 'notIn matches NULL rows',
    file: QUERY,
    find: '      if (v === null) return false;\n      const found',
    replace: "      if (v === null) return op === 'notIn';\n      const found",
  },
  {
    id: 'ds-count-column-counts-null',
    bug: 'count(column) counts NULLs',
    file: AGGREGATE,
    find: 'rows.filter((r) => r[(m.column as ColumnSchema).name] !== null).length',
    replace: 'rows.length',
  },
  {
    id: 'ds-min-max-swapped',
    bug: 'min and max are swapped',
    file: AGGREGATE,
    find: "m.fn === 'min' ? sorted[0] : sorted[sorted.length - 1]",
    replace: "m.fn === 'min' ? sorted[sorted.length - 1] : sorted[0]",
  },
  {
    id: 'ds-sum-of-nothing-is-zero',
    bug: 'sum over no values is 0 instead of NULL',
    file: AGGREGATE,
    find: 'if (values.length === 0) return null;',
    replace: "if (values.length === 0) return m.fn === 'sum' ? 0 : null;",
  },
  {
    id: 'ds-bigint-to-number',
    bug: 'integers beyond 2^53 lose precision (bigint turned into number)',
    file: COERCE,
    find: "if (typeof value === 'bigint') return integerValue(value);",
    replace: "if (typeof value === 'bigint') return Number(value);",
  },
  {
    id: 'ds-decimal-to-float',
    bug: 'decimals go through a float and lose digits',
    file: COERCE,
    find: "if (typeof value === 'string' && isDecimalText(value)) return value.trim();",
    replace: "if (typeof value === 'string' && isDecimalText(value)) return String(Number(value));",
  },
];

/** Every planted bug. */
export const MUTANTS: readonly Mutant[] = [...VIEW_MUTANTS, ...DATASOURCE_MUTANTS];
