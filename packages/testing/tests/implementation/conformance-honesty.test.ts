import { fileURLToPath } from 'node:url';
import {
  conformanceTestName,
  DATASOURCE_CONFORMANCE_CHECKS,
  VIEW_CONFORMANCE_CHECKS,
} from '@nocoflo/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Defect, EXPECTED_FAILURES } from '../fixtures/broken-datasource.js';
import { EXPECTED_VIEW_FAILURES } from '../fixtures/broken-views.js';
import { EXPECTED_NARROW_FAILURES } from '../fixtures/narrow-datasource.js';
import { type ChildTestResult, runChildVitest } from '../fixtures/run-child-vitest.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const config = fileURLToPath(new URL('../fixtures/vitest.broken.config.ts', import.meta.url));

// The suites are honest when each single-defect datasource or view fails exactly the checks
// its bug breaks and passes every other check. The broken subjects run in a child vitest
// run (their failures are the point), and this file asserts the outcome test by test.
let results: ChildTestResult[] = [];
beforeAll(async () => {
  results = await runChildVitest(config, packageRoot);
});

const idOf = (title: string) => title.slice(0, title.indexOf(':'));

function outcome(suite: string) {
  const mine = results.filter((r) => r.suite.includes(suite));
  return {
    titles: mine.map((r) => r.title).sort(),
    failed: mine
      .filter((r) => r.status === 'failed')
      .map((r) => idOf(r.title))
      .sort(),
    passed: mine.filter((r) => r.status === 'passed').length,
  };
}

describe('the datasource conformance suite catches broken datasources', () => {
  for (const defect of Object.keys(EXPECTED_FAILURES) as Defect[]) {
    it(`a datasource with the defect "${defect}" fails exactly ${EXPECTED_FAILURES[defect].join(', ')}`, () => {
      const { titles, failed, passed } = outcome(`datasource conformance: broken:${defect}`);
      expect(titles).toEqual(DATASOURCE_CONFORMANCE_CHECKS.map(conformanceTestName).sort());
      expect(failed).toEqual([...EXPECTED_FAILURES[defect]].sort());
      expect(passed).toBe(DATASOURCE_CONFORMANCE_CHECKS.length - EXPECTED_FAILURES[defect].length);
    });
  }

  it('names the cause in the failure message of a typed-error check', () => {
    const failure = results.find(
      (r) =>
        r.suite.includes('datasource conformance: broken:raw-table-errors') &&
        idOf(r.title) === 'errors.unknownTable',
    );
    expect(failure?.failureMessages.join('\n')).toMatch(
      /got Error \(not a NocofloError\): SQLITE_ERROR: no such table/,
    );
  });
});

describe('the datasource conformance suite catches datasources that answer what they should refuse', () => {
  for (const [defect, expected] of Object.entries(EXPECTED_NARROW_FAILURES)) {
    it(`a narrow datasource with the defect "${defect}" fails exactly ${expected.join(', ')}`, () => {
      const { titles, failed, passed } = outcome(`datasource conformance: broken-narrow:${defect}`);
      // Every check is there (by id), whether it applies or checks a refusal instead.
      expect(titles.map(idOf).sort()).toEqual(DATASOURCE_CONFORMANCE_CHECKS.map((c) => c.id).sort());
      expect(failed).toEqual([...expected].sort());
      expect(passed).toBe(DATASOURCE_CONFORMANCE_CHECKS.length - expected.length);
    });
  }

  it('names the check that does not apply, and why, in its test name', () => {
    const { titles } = outcome('datasource conformance: broken-narrow:read-only-pretends-to-write');
    expect(titles).toContain(
      'write.insert: insert returns the row as stored and the row can be read back [not applicable: the datasource is read-only; checks the refusal instead]',
    );
  });
});

describe('the view conformance suite catches broken views', () => {
  // Without `handles`, the suite registers every check except canHandle.expectations.
  const registered = VIEW_CONFORMANCE_CHECKS.filter((c) => c.id !== 'canHandle.expectations');

  for (const [defect, expected] of Object.entries(EXPECTED_VIEW_FAILURES)) {
    it(`a view with the defect "${defect}" fails exactly ${expected.join(', ')}`, () => {
      const { titles, failed, passed } = outcome(`view conformance: broken:${defect}`);
      expect(titles).toEqual(registered.map(conformanceTestName).sort());
      expect(failed).toEqual([...expected].sort());
      expect(passed).toBe(registered.length - expected.length);
    });
  }

  it('says where data escaped into markup', () => {
    const failure = results.find(
      (r) =>
        r.suite.includes('view conformance: broken:unescaped-cells') &&
        idOf(r.title) === 'render.escapesData',
    );
    expect(failure?.failureMessages.join('\n')).toMatch(
      /data escaped into live markup:[\s\S]*data runs inside a <script> element/,
    );
  });
});
