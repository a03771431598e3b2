/**
 * `describeDatasourceConformance`: the datasource conformance suite as one call inside a
 * vitest test file. Each check is its own test named `<id>: <title>`, run against a fresh
 * copy of the fixture.
 */
import type { Datasource } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, it } from 'vitest';
import { conformanceFixture } from '../fixture.js';
import type {
  ConformanceFixture,
  ConformanceSubject,
  DatasourceConformanceOptions,
  FixtureTable,
} from '../fixture-types.js';
import type { CheckContext, ConformanceCheck } from './check.js';
import { aggregateChecks } from './checks-aggregate.js';
import { errorChecks } from './checks-errors.js';
import { filterChecks } from './checks-filter.js';
import { hostileChecks } from './checks-hostile.js';
import { introspectionChecks } from './checks-introspection.js';
import { pagingChecks, sortingChecks } from './checks-paging.js';
import { streamChecks } from './checks-stream.js';
import { valueChecks } from './checks-values.js';
import { writeChecks } from './checks-write.js';

const CHECKS: readonly ConformanceCheck[] = [
  ...introspectionChecks,
  ...pagingChecks,
  ...sortingChecks,
  ...filterChecks,
  ...aggregateChecks,
  ...streamChecks,
  ...writeChecks,
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

/** Every check of the datasource suite, in run order: its stable id and what it verifies. */
export const DATASOURCE_CONFORMANCE_CHECKS: readonly ConformanceCheckInfo[] = CHECKS.map(({ id, title }) =>
  Object.freeze({ id, title }),
);

/** The test name of a check, as it appears in vitest reports: `<id>: <title>`. */
export function conformanceTestName(check: ConformanceCheckInfo): string {
  return `${check.id}: ${check.title}`;
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

    beforeEach(async () => {
      const fixture = conformanceFixture();
      const created = await options.create(fixture);
      current = { subject: isSubject(created) ? created : { datasource: created }, fixture };
    });

    afterEach(async () => {
      const done = current;
      current = undefined;
      if (!done) return;
      // close() is checked on its own (close.idempotent); a failing close must not fail every other check.
      await done.subject.datasource.close().catch(() => {});
      await done.subject.cleanup?.();
    });

    for (const c of CHECKS) {
      it(
        conformanceTestName(c),
        async () => {
          if (!current) throw new Error('the datasource was not created (see the beforeEach error)');
          const { subject, fixture } = current;
          const ctx: CheckContext = {
            ds: subject.datasource,
            fixture,
            name: subject.tableName ?? ((t) => t),
            table(t: string): FixtureTable {
              const found = fixture.tables.find((x) => x.name === t);
              if (!found) throw new Error(`no fixture table ${t}`);
              return found;
            },
            decimalDigits: options.limits?.decimalDigits ?? 30,
          };
          await c.run(ctx);
        },
        options.timeoutMs ?? 30_000,
      );
    }
  });
}
