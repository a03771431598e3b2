/**
 * What one conformance check is: a stable id, a title, and the test it runs against a
 * freshly built fixture.
 */
import type { Datasource } from '@nocoflo/sdk';
import type { ConformanceFixture, FixtureTable } from '../fixture-types.js';

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
}

/** One conformance check. */
export interface ConformanceCheck {
  /** Stable id, `area.name`; the test is named `<id>: <title>`. */
  readonly id: string;
  /** What it verifies, in words. */
  readonly title: string;
  /** The check; throws (fails) when the datasource does not conform. */
  readonly run: (ctx: CheckContext) => Promise<void>;
}

/** Declares a check. */
export function check(
  id: string,
  title: string,
  run: (ctx: CheckContext) => Promise<void>,
): ConformanceCheck {
  return { id, title, run };
}
