/**
 * The suites measured against planted bugs: every mutant of mutants.ts is a temporary copy
 * of a reference subject with one small patch, run against the view or datasource suite in
 * one child vitest run. A mutant is caught when at least one check fails. The suites must
 * catch at least 95% of the mutants, and the unpatched copies must pass every check (so a
 * harness that fails everything cannot look like a good score).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildTestResult, runChildVitest } from '../fixtures/run-child-vitest.js';
import { MUTANTS, type Mutant } from './mutants.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const work = join(here, 'work');
const config = join(here, 'vitest.mutants.config.ts');
const REQUIRED_SHARE = 0.95;

const CONTROL_VIEW = 'control-view';
const CONTROL_DATASOURCE = 'control-datasource';

/** Applies a mutant's patch to `text`; throws when its `find` does not occur exactly once. */
function patch(text: string, mutant: Mutant): string {
  const at = text.indexOf(mutant.find);
  if (at < 0 || text.indexOf(mutant.find, at + 1) >= 0) {
    throw new Error(
      `mutant ${mutant.id}: its text must occur exactly once in ${mutant.file}: ${mutant.find}`,
    );
  }
  return text.slice(0, at) + mutant.replace + text.slice(at + mutant.find.length);
}

/** Writes one subject folder: a (patched) copy and the test file running its suite. */
function writeSubject(id: string, mutant: Mutant | undefined, kind: 'view' | 'datasource'): void {
  const dir = join(work, id);
  mkdirSync(dir, { recursive: true });
  if (kind === 'view') {
    const source = readFileSync(join(here, 'reference-view.ts'), 'utf8');
    writeFileSync(join(dir, 'reference-view.ts'), mutant ? patch(source, mutant) : source);
    writeFileSync(
      join(dir, `${id}.mutant.ts`),
      `import { describeViewConformance } from '@nocoflo/testing';
import { referenceView } from './reference-view.js';

describeViewConformance('subject:${id}', referenceView, { handles: { mixed: true, noColumns: false } });
`,
    );
    return;
  }
  cpSync(join(packageRoot, 'src'), join(dir, 'src'), { recursive: true });
  if (mutant) {
    const file = join(dir, mutant.file);
    writeFileSync(file, patch(readFileSync(file, 'utf8'), mutant));
  }
  writeFileSync(
    join(dir, `${id}.mutant.ts`),
    `import { describeDatasourceConformance } from '@nocoflo/testing';
import { memoryDatasourceFromFixture } from './src/mocks/memory-datasource/memory-datasource.js';

describeDatasourceConformance('subject:${id}', { create: async (fixture) => memoryDatasourceFromFixture(fixture) });
`,
  );
}

let results: ChildTestResult[] = [];

beforeAll(async () => {
  rmSync(work, { recursive: true, force: true });
  writeSubject(CONTROL_VIEW, undefined, 'view');
  writeSubject(CONTROL_DATASOURCE, undefined, 'datasource');
  for (const mutant of MUTANTS)
    writeSubject(mutant.id, mutant, mutant.file === 'view' ? 'view' : 'datasource');
  results = await runChildVitest(config, packageRoot);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The child run's tests of one subject. */
const testsOf = (id: string) => results.filter((r) => r.suite.some((s) => s.endsWith(`subject:${id}`)));

describe('the mutation corpus', () => {
  it('has at least 40 planted bugs across a view and a datasource, with unique ids', () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
    expect(MUTANTS.filter((m) => m.file === 'view').length).toBeGreaterThanOrEqual(15);
    expect(MUTANTS.filter((m) => m.file !== 'view').length).toBeGreaterThanOrEqual(15);
  });

  it('leaves the unpatched reference view and datasource passing every check', () => {
    for (const id of [CONTROL_VIEW, CONTROL_DATASOURCE]) {
      const tests = testsOf(id);
      expect(tests.length, `${id} ran no checks`).toBeGreaterThan(10);
      const failed = tests.filter((t) => t.status !== 'passed');
      expect(
        failed.map((t) => `${t.title}: ${t.failureMessages.join(' ').slice(0, 300)}`),
        `${id} fails checks unpatched`,
      ).toEqual([]);
    }
  });

  it(`the view and datasource suites catch at least ${REQUIRED_SHARE * 100}% of the planted bugs`, () => {
    const escaped: string[] = [];
    for (const mutant of MUTANTS) {
      const tests = testsOf(mutant.id);
      expect(tests.length, `mutant ${mutant.id} ran no checks (does its patch still load?)`).toBeGreaterThan(
        0,
      );
      if (!tests.some((t) => t.status === 'failed')) escaped.push(`${mutant.id}: ${mutant.bug}`);
    }
    const caught = MUTANTS.length - escaped.length;
    // The score and the escapes are reported on every run, not only when the share is missed.
    console.info(
      `mutation corpus: caught ${caught} of ${MUTANTS.length} (${((100 * caught) / MUTANTS.length).toFixed(1)}%)` +
        (escaped.length > 0 ? `; escaped:\n  ${escaped.join('\n  ')}` : '; none escaped'),
    );
    expect(
      caught / MUTANTS.length,
      `caught ${caught} of ${MUTANTS.length}; escaped:\n  ${escaped.join('\n  ')}`,
    ).toBeGreaterThanOrEqual(REQUIRED_SHARE);
  });
});
