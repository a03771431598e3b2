/**
 * `describeDatasourceConformance`: the datasource conformance suite as one call inside a
 * vitest test file. Each check is its own test named `<id>: <title>`, run against a fresh
 * copy of the fixture.
 */
import { type Datasource, FILTER_OPERATORS } from '@nocoflo/sdk';
import { afterAll, afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { conformanceFixture } from '../fixture.js';
import type {
  ConformanceFixture,
  ConformanceSubject,
  DatasourceConformanceCapabilities,
  DatasourceConformanceOptions,
  FixtureTable,
} from '../fixture-types.js';
import { DEFAULT_CHECK_TIMEOUT_MS } from '../time-limits.js';
import {
  type CheckContext,
  type ConformanceCheck,
  check,
  notApplicableReason,
  type ResolvedCapabilities,
} from './check.js';
import { aggregateChecks } from './checks-aggregate.js';
import { conditionalWriteChecks } from './checks-conditional.js';
import { errorChecks } from './checks-errors.js';
import { filterChecks } from './checks-filter.js';
import { hostileChecks } from './checks-hostile.js';
import { introspectionChecks } from './checks-introspection.js';
import { pagingChecks, sortingChecks } from './checks-paging.js';
import { filterGroupChecks, searchChecks } from './checks-search.js';
import { streamChecks } from './checks-stream.js';
import { valueChecks } from './checks-values.js';
import { writeChecks } from './checks-write.js';
import { expectRefusals } from './refusals.js';
import { seededConformanceFixture } from './seed.js';

/** The declaration agrees with what the datasource says of itself. */
const capabilityChecks: readonly ConformanceCheck[] = [
  check(
    'capabilities.declared',
    'the capabilities declared to the suite agree with datasource.capabilities',
    async (ctx) => {
      const own = ctx.ds.capabilities;
      expect(typeof own?.write, 'capabilities.write').toBe('boolean');
      expect(own.write, 'capabilities.write against the declared readOnly').toBe(!ctx.capabilities.readOnly);
      for (const flag of [
        'stream',
        'aggregate',
        'sort',
        'caseInsensitiveText',
        'filterGroups',
        'search',
        'conditionalWrites',
      ] as const) {
        if (own[flag] !== undefined) expect(own[flag], `capabilities.${flag}`).toBe(ctx.capabilities[flag]);
      }
      if (own.filterOperators !== undefined) {
        expect([...own.filterOperators].sort(), 'capabilities.filterOperators').toEqual(
          [...ctx.capabilities.filters].sort(),
        );
      }
    },
  ),
];

const CHECKS: readonly ConformanceCheck[] = [
  ...capabilityChecks,
  ...introspectionChecks,
  ...pagingChecks,
  ...sortingChecks,
  ...filterChecks,
  ...filterGroupChecks,
  ...searchChecks,
  ...aggregateChecks,
  ...streamChecks,
  ...writeChecks,
  ...conditionalWriteChecks,
  ...valueChecks,
  ...hostileChecks,
  ...errorChecks,
];

/** One check of a conformance suite, as listed for reports and assertions. */
export interface ConformanceCheckInfo {
  /** Stable id, `area.name` (e.g. `paging.insertsBetweenPages`). */
  readonly id: string;
  /** What the check verifies. */
  readonly title: string;
}

/**
 * Every check of the datasource suite, in run order: its stable id and what it verifies.
 *
 * - `capabilities.declared`: the capabilities declared to the suite agree with datasource.capabilities
 * - `introspection.listTables`: listTables lists every fixture table as a table, sorted by name
 * - `introspection.columnTypes`: describeTable reports every column in table order with its normalised type
 * - `introspection.nullability`: describeTable reports which columns allow NULL
 * - `introspection.primaryKeys`: describeTable reports primary keys in key order, including composite keys
 * - `introspection.foreignKeys`: describeTable reports single-column and composite foreign keys
 * - `introspection.writable`: capabilities.write and each table's writable flag say whether writes are possible (base tables: yes, unless read-only)
 * - `connection.test`: testConnection reports ok, a server version and a latency
 * - `paging.defaultOrder`: readPage without options returns rows in primary-key order, with no cursors around a single page
 * - `paging.forward`: following nextCursor visits every row exactly once, in order, in full pages
 * - `paging.backward`: following prevCursor from the last page gives the same pages in reverse
 * - `paging.insertsBetweenPages`: keyset paging neither skips nor repeats rows while rows are inserted between pages
 * - `paging.insertsWithSort`: keyset paging on a non-unique sort column neither skips nor repeats rows while rows are inserted
 * - `paging.sortedPages`: paging under a multi-column sort with NULLs yields the full sorted order
 * - `paging.columns`: readPage returns the requested columns plus the key columns, and no others
 * - `paging.invalidLimit`: limits outside 1–10,000 or not integers are refused with NCF_INVALID_QUERY
 * - `paging.invalidCursor`: a garbled cursor, or one made under another sort, is refused with NCF_INVALID_QUERY
 * - `sorting.text`: sorting by a text column with ties, ascending and descending
 * - `sorting.nulls`: NULLs sort first ascending and last descending
 * - `sorting.numbers`: integer and decimal columns sort numerically, dates chronologically
 * - `sorting.multiColumn`: several sort keys apply in order, each in its own direction
 * - `filter.eq`: eq matches equal values of text, integer, decimal, boolean and date columns
 * - `filter.neq`: neq matches different values and never NULLs
 * - `filter.lt`: lt compares numbers numerically, decimals exactly, dates and text in order
 * - `filter.lte`: lte includes the bound
 * - `filter.gt`: gt compares numbers numerically, decimals exactly, dates and text in order
 * - `filter.gte`: gte includes the bound
 * - `filter.in`: in matches any listed value
 * - `filter.notIn`: notIn matches values not listed and never NULLs
 * - `filter.contains`: contains matches literally (% and _ are not wildcards), ignoring case unless caseSensitive is true
 * - `filter.startsWith`: startsWith matches a literal prefix, ignoring case unless caseSensitive is true
 * - `filter.endsWith`: endsWith matches a literal suffix, ignoring case unless caseSensitive is true
 * - `filter.isNull`: isNull matches exactly the NULLs
 * - `filter.isNotNull`: isNotNull matches exactly the non-NULLs
 * - `filter.combined`: several filters combine with AND, also on pages with a sort
 * - `filter.invalid`: an unknown operator or a value of the wrong shape is refused with NCF_INVALID_QUERY
 * - `filter.groups`: filter groups combine their conditions with OR or AND, nested, next to plain conditions (also paged and sorted)
 * - `filter.groups.empty`: an empty OR group matches no row and an empty AND group every row
 * - `filter.groups.aggregate`: aggregates apply filter groups before grouping
 * - `filter.groups.invalid`: a group without an array, or nested too deep, is refused with NCF_INVALID_QUERY
 * - `search.schema`: describeTable reports how a table with text columns is searched: fulltext or substring, over existing text columns
 * - `search.words`: a search finds the rows where every word is in some searched column, ignoring case, literally (% and _ are not wildcards)
 * - `search.blank`: a blank search finds every row
 * - `search.filtered`: a search combines with filters and groups, in reads and in aggregates
 * - `search.invalid`: a search that is not a string is refused with NCF_INVALID_QUERY
 * - `aggregate.count`: count of all rows, of non-NULL values and under a filter; over no rows, count 0 and sum NULL
 * - `aggregate.sum`: sum of integer, decimal and float columns matches the exact sums
 * - `aggregate.avg`: avg of integer, decimal and float columns (NULLs ignored)
 * - `aggregate.minMax`: min and max of numbers, decimals, dates and text
 * - `aggregate.groupBy`: group by one and two columns, with a filter applied before grouping, ordered by the keys
 * - `aggregate.timeBucket`: grouping a date column by month and year gives ISO date keys
 * - `aggregate.sortLimit`: aggregate results sort by a measure and respect the limit
 * - `aggregate.invalid`: an aggregate without measures, with an unknown function or a sum without column is refused
 * - `stream.all`: stream yields every row once in primary-key order, across small batches
 * - `stream.filterSortColumns`: stream with filter, sort and columns yields what paging yields
 * - `stream.earlyExit`: stopping a stream (abort signal or break) yields no more rows and leaves the datasource usable
 * - `write.insert`: insert returns the row as stored and the row can be read back
 * - `write.updateCompositeKey`: update by a composite key changes exactly that row and returns it
 * - `write.deleteCompositeKey`: delete by a composite key removes exactly that row
 * - `write.simpleKey`: update and delete by a single-column key
 * - `write.rowNotFound`: update and delete of a key no row has are refused with NCF_ROW_NOT_FOUND, changing nothing
 * - `write.incompleteKey`: a key lacking a key column is refused with NCF_INVALID_QUERY, changing nothing
 * - `write.constraints`: a duplicate key or a NULL in a NOT NULL column is refused with NCF_CONSTRAINT_VIOLATION, changing nothing
 * - `write.invalidValue`: a value that does not fit the column type is refused with NCF_INVALID_VALUE, changing nothing
 * - `write.ifVersion`: update and delete with { ifVersion } write when the version is current, and refuse a stale one with NCF_ROW_CHANGED (with the current row) or a missing row with NCF_ROW_NOT_FOUND, changing nothing
 * - `write.ifVersionConcurrent`: concurrent updates with the same { ifVersion } by a composite key: exactly one is written, every other is refused with NCF_ROW_CHANGED
 * - `values.null`: NULL round-trips in every column type, also when set by update
 * - `values.unicode`: Unicode text (astral, combining, right-to-left, control whitespace) round-trips exactly
 * - `values.longText`: very long text (over a million characters) round-trips exactly
 * - `values.largeIntegers`: integers up to ±2^63 round-trip exactly: numbers within 2^53, bigints beyond
 * - `values.decimals`: decimals round-trip exactly as strings, up to the declared precision
 * - `values.floats`: floats round-trip bit-exactly as numbers
 * - `values.booleanAndTemporal`: booleans come back as booleans, dates and timestamps as the same ISO values
 * - `values.binary`: binary values (every byte value, and empty) round-trip as Uint8Array
 * - `values.json`: json values come back parsed and deeply equal
 * - `hostile.identifiers`: a table and columns named with quotes, semicolons, -- and backslashes work like any other
 * - `hostile.values`: values with quotes, semicolons, -- and backslashes are stored literally and found by equality
 * - `hostile.nul`: a NUL character in a value is stored literally or refused with a NocofloError
 * - `hostile.unknownIdentifiers`: injection-shaped table and column names are unknown names (typed errors), changing nothing
 * - `errors.unknownTable`: every method rejects an unknown table with NCF_TABLE_NOT_FOUND
 * - `errors.unknownColumn`: unknown columns in sort, filter, columns, aggregates, values and keys give NCF_COLUMN_NOT_FOUND
 * - `close.idempotent`: close() can be called twice
 * - `close.refusesWork`: after close() every method rejects with NCF_DATASOURCE_CLOSED
 */
export const DATASOURCE_CONFORMANCE_CHECKS: readonly ConformanceCheckInfo[] = CHECKS.map(({ id, title }) =>
  Object.freeze({ id, title }),
);

/**
 * The test name of a check, as it appears in vitest reports: `<id>: <title>`.
 *
 * @example
 * ```ts
 * import { conformanceTestName, DATASOURCE_CONFORMANCE_CHECKS } from '@nocoflo/testing';
 *
 * // The names vitest reports, e.g. to filter a run: `vitest run -t "paging.keyset"`.
 * for (const check of DATASOURCE_CONFORMANCE_CHECKS) console.log(conformanceTestName(check));
 * ```
 */
export function conformanceTestName(check: ConformanceCheckInfo): string {
  return `${check.id}: ${check.title}`;
}

/** Resolves capabilities: declared first, then what the datasource says, then "can". */
function resolveCapabilities(
  declared: DatasourceConformanceCapabilities | undefined,
  ds: Datasource | undefined,
): ResolvedCapabilities {
  const own = ds?.capabilities;
  const readOnly = declared?.readOnly ?? (own ? !own.write : false);
  return {
    readOnly,
    stream: declared?.stream ?? own?.stream ?? true,
    aggregate: declared?.aggregate ?? own?.aggregate ?? true,
    sort: declared?.sort ?? own?.sort ?? true,
    filters: new Set(declared?.filters ?? own?.filterOperators ?? FILTER_OPERATORS),
    caseInsensitiveText: declared?.caseInsensitiveText ?? own?.caseInsensitiveText ?? true,
    filterGroups: declared?.filterGroups ?? own?.filterGroups ?? true,
    // Unknown before a datasource exists (test names): assumed, like the rest; a datasource
    // that does not say it searches is not asked to.
    search: declared?.search ?? own?.search ?? !ds,
    // Likewise: assumed before a datasource exists, asked only of one that says so.
    conditionalWrites: declared?.conditionalWrites ?? own?.conditionalWrites ?? !ds,
    seeded: declared?.readOnly === true,
  };
}

/** The test name of a check that does not apply: its name and why, for every report. */
function notApplicableName(c: ConformanceCheck, reason: string): string {
  return `${conformanceTestName(c)} [not applicable: ${reason}; checks the refusal instead]`;
}

function isSubject(value: Datasource | ConformanceSubject): value is ConformanceSubject {
  return 'datasource' in value && typeof (value as ConformanceSubject).datasource === 'object';
}

/**
 * Registers the datasource conformance suite in the calling test file: introspection,
 * keyset paging under concurrent inserts, sorting, every filter operator, aggregates,
 * streaming, writes by composite keys, exact value round-trips, hostile identifiers and
 * values, typed errors and close semantics. `options.create` builds the fixture in a
 * fresh database before every check.
 *
 * A datasource that cannot do everything (read-only, no streaming, some filters only)
 * declares it in `options.capabilities` or its own `capabilities`: each check that needs
 * what it lacks then checks the refusal (`NCF_READ_ONLY`, `NCF_UNSUPPORTED`) instead, its
 * test name says why, and the suite prints the list at the end.
 *
 * @param name - Shown in the suite title: `datasource conformance: <name>`.
 * @example
 * ```ts
 * import { describeDatasourceConformance, memoryDatasourceFromFixture } from '@nocoflo/testing';
 * describeDatasourceConformance('memory', { create: async (fixture) => memoryDatasourceFromFixture(fixture) });
 * ```
 */
export function describeDatasourceConformance(name: string, options: DatasourceConformanceOptions): void {
  describe(`datasource conformance: ${name}`, () => {
    let current: { subject: ConformanceSubject; fixture: ConformanceFixture } | undefined;
    const declared = options.capabilities;
    const decimalDigits = options.limits?.decimalDigits ?? 30;
    // What is known before any datasource exists decides the test names; the rest is read
    // from each datasource when its check runs.
    const known = resolveCapabilities(declared, undefined);
    const notApplicable = new Map<string, string>();

    // The hooks that create and close each check's datasource take a check's limit, not the
    // vitest config's (10 s by default in a plugin's project): an open that does nothing wrong
    // can take longer than that on a busy machine.
    const limit = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;

    beforeEach(async () => {
      const fixture = known.seeded ? seededConformanceFixture(decimalDigits) : conformanceFixture();
      const created = await options.create(fixture);
      current = { subject: isSubject(created) ? created : { datasource: created }, fixture };
    }, limit);

    afterEach(async () => {
      const done = current;
      current = undefined;
      if (!done) return;
      // close() is checked on its own (close.idempotent); a failing close must not fail every other check.
      await done.subject.datasource.close().catch(() => {});
      await done.subject.cleanup?.();
    }, limit);

    afterAll(() => {
      // Nothing is left out silently: the report lists every check that did not apply, and why.
      if (notApplicable.size === 0) return;
      const lines = [...notApplicable].map(([id, reason]) => `  ${id}: ${reason}`);
      console.info(
        `datasource conformance: ${name}: ${notApplicable.size} of ${CHECKS.length} checks do not apply (each checked the refusal instead):\n${lines.join('\n')}`,
      );
    });

    for (const c of CHECKS) {
      const knownReason = notApplicableReason(c, known);
      it(
        knownReason ? notApplicableName(c, knownReason) : conformanceTestName(c),
        async (test: TestContext) => {
          if (!current) throw new Error('the datasource was not created (see the beforeEach error)');
          const { subject, fixture } = current;
          const capabilities = resolveCapabilities(declared, subject.datasource);
          const ctx: CheckContext = {
            ds: subject.datasource,
            fixture,
            name: subject.tableName ?? ((t) => t),
            table(t: string): FixtureTable {
              const found = fixture.tables.find((x) => x.name === t);
              if (!found) throw new Error(`no fixture table ${t}`);
              return found;
            },
            decimalDigits,
            capabilities,
          };
          const reason = notApplicableReason(c, capabilities);
          if (reason) {
            notApplicable.set(c.id, reason);
            // Recorded on the test too, for reporters that show annotations.
            await test.annotate?.(`not applicable: ${reason}; checked the refusal instead`, 'notice');
            await expectRefusals(ctx, c.needs);
            return;
          }
          await c.run(ctx);
        },
        limit,
      );
    }
  });
}
