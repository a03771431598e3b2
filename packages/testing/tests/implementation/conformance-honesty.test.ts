import { fileURLToPath } from 'node:url';
import { conformanceTestName, DATASOURCE_CONFORMANCE_CHECKS } from '@nocoflo/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Defect, EXPECTED_FAILURES } from '../fixtures/broken-datasource.js';
import { type ChildTestResult, runChildVitest } from '../fixtures/run-child-vitest.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const config = fileURLToPath(new URL('../fixtures/vitest.broken.config.ts', import.meta.url));

// The suite is honest when each single-defect datasource fails exactly the checks its bug
// breaks, and passes every other check (so the wrapper is otherwise faithful).
describe('the datasource conformance suite catches broken datasources', () => {
  let results: ChildTestResult[] = [];

  beforeAll(async () => {
    results = await runChildVitest(config, packageRoot);
  }, 180_000);

  const idOf = (title: string) => title.slice(0, title.indexOf(':'));

  for (const defect of Object.keys(EXPECTED_FAILURES) as Defect[]) {
    it(`a datasource with the defect "${defect}" fails exactly ${EXPECTED_FAILURES[defect].join(', ')}`, () => {
      const mine = results.filter((r) => r.suite.includes(`datasource conformance: broken:${defect}`));
      expect(mine.map((r) => r.title).sort()).toEqual(
        DATASOURCE_CONFORMANCE_CHECKS.map(conformanceTestName).sort(),
      );
      const failed = mine.filter((r) => r.status === 'failed').map((r) => idOf(r.title));
      expect(failed.sort()).toEqual([...EXPECTED_FAILURES[defect]].sort());
      const passed = mine.filter((r) => r.status === 'passed').length;
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
