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
import {
  type CheckContext,
  type ConformanceCheck,
  check,
  notApplicableReason,
  type ResolvedCapabilities,
} from './check.js';
import { aggregateChecks } from './checks-aggregate.js';
import { errorChecks } from './checks-errors.js';
import { filterChecks } from './checks-filter.js';
import { hostileChecks } from './checks-hostile.js';
import { introspectionChecks } from './checks-introspection.js';
import { pagingChecks, sortingChecks } from './checks-paging.js';
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
      for (const flag of ['stream', 'aggregate', 'sort', 'caseInsensitiveText'] as const) {
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

    beforeEach(async () => {
      const fixture = known.seeded ? seededConformanceFixture(decimalDigits) : conformanceFixture();
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
        options.timeoutMs ?? 30_000,
      );
    }
  });
}
