/**
 * What one conformance check is: a stable id, a title, what it needs of the datasource,
 * and the test it runs against a freshly built fixture.
 */
import type { Datasource, FilterOperator } from '@nocoflo/sdk';
import type { ConformanceFixture, FixtureTable } from '../fixture-types.js';

/** What the datasource under test can do, resolved (declared, else read from the datasource). */
export interface ResolvedCapabilities {
  /** Writes are refused with `NCF_READ_ONLY`. */
  readonly readOnly: boolean;
  /** `stream()` reads every row. */
  readonly stream: boolean;
  /** `aggregate()` runs aggregates. */
  readonly aggregate: boolean;
  /** Reads sort on any column. */
  readonly sort: boolean;
  /** The filter operators reads accept. */
  readonly filters: ReadonlySet<FilterOperator>;
  /** Text filters ignore case unless they say `caseSensitive: true`. */
  readonly caseInsensitiveText: boolean;
  /** Reads and aggregates take filter groups (`{ or }`, `{ and }`). */
  readonly filterGroups: boolean;
  /** Reads and aggregates take a quick `search` text. */
  readonly search: boolean;
  /** `update` and `delete` honour `{ ifVersion }` atomically (`capabilities.conditionalWrites`). */
  readonly conditionalWrites: boolean;
  /**
   * Whether the rows the write checks would insert (value round-trips, hostile values)
   * were seeded into the fixture by the author's `create` instead (read-only datasources
   * that declare `readOnly`).
   */
  readonly seeded: boolean;
}

/** What a check receives. */
export interface CheckContext {
  /** The datasource under test, open over a fresh copy of the fixture. */
  readonly ds: Datasource;
  /** The fixture it holds. */
  readonly fixture: ConformanceFixture;
  /** The datasource's name for a fixture table. */
  name(fixtureTable: string): string;
  /** A fixture table by its fixture name. */
  table(fixtureTable: string): FixtureTable;
  /** Significant digits a decimal keeps exactly. */
  readonly decimalDigits: number;
  /** What the datasource can do; checks leave out the parts it cannot (each is a check of the refusal). */
  readonly capabilities: ResolvedCapabilities;
}

/**
 * One capability a check needs: `write`, `stream`, `aggregate`, `sort`, `filter:<op>`,
 * `filterGroups`, `search`, `conditionalWrites`, or `rows` (rows beyond the base fixture: inserted by the check,
 * or seeded for read-only datasources).
 */
export type CheckNeed =
  | 'write'
  | 'rows'
  | 'stream'
  | 'aggregate'
  | 'sort'
  | 'filterGroups'
  | 'search'
  | 'conditionalWrites'
  | `filter:${FilterOperator}`;

/** One conformance check. */
export interface ConformanceCheck {
  /** Stable id, `area.name`; the test is named `<id>: <title>`. */
  readonly id: string;
  /** What it verifies, in words. */
  readonly title: string;
  /** Capabilities without which the check does not apply (it then checks the refusal instead). */
  readonly needs: readonly CheckNeed[];
  /** The check; throws (fails) when the datasource does not conform. */
  readonly run: (ctx: CheckContext) => Promise<void>;
}

/** Declares a check. */
export function check(
  id: string,
  title: string,
  run: (ctx: CheckContext) => Promise<void>,
  needs: readonly CheckNeed[] = [],
): ConformanceCheck {
  return { id, title, run, needs };
}

/** Whether the capabilities cover one need. */
export function hasCapability(capabilities: ResolvedCapabilities, need: CheckNeed): boolean {
  switch (need) {
    case 'write':
      return !capabilities.readOnly;
    case 'rows':
      return !capabilities.readOnly || capabilities.seeded;
    case 'stream':
      return capabilities.stream;
    case 'aggregate':
      return capabilities.aggregate;
    case 'sort':
      return capabilities.sort;
    case 'filterGroups':
      return capabilities.filterGroups;
    case 'search':
      return capabilities.search;
    case 'conditionalWrites':
      return capabilities.conditionalWrites;
    default:
      return capabilities.filters.has(need.slice('filter:'.length) as FilterOperator);
  }
}

/** Why a check does not apply to these capabilities, or null when it does. */
export function notApplicableReason(
  check: ConformanceCheck,
  capabilities: ResolvedCapabilities,
): string | null {
  const missing = check.needs.filter((need) => !hasCapability(capabilities, need));
  if (missing.length === 0) return null;
  const words = missing.map((need) => {
    if (need === 'write') return 'the datasource is read-only';
    if (need === 'rows')
      return 'the datasource is read-only and its rows were not seeded (declare capabilities.readOnly so that create() seeds them)';
    if (need === 'stream') return 'it does not stream';
    if (need === 'aggregate') return 'it does not aggregate';
    if (need === 'sort') return 'it does not sort on every column';
    if (need === 'filterGroups') return 'it does not combine filters with OR';
    if (need === 'search') return 'it does not search';
    if (need === 'conditionalWrites')
      return 'it does not declare conditionalWrites (the host checks versions itself, for one host only)';
    return `it does not support the "${need.slice('filter:'.length)}" filter`;
  });
  return words.join('; ');
}
