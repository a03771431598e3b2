// A vitest reporter that names the tests and hooks still running after a while, without
// failing them: the workspace's tests and hooks have no time limit (vitest.shared.ts), so a
// hang would otherwise sit silent until the CI job's own limit ends it.
import type { ReportedHookContext, Reporter, TestCase } from 'vitest/node';

/** What is running and since when (ms since the epoch), by a key unique within the run. */
type Running = Map<string, { what: string; since: number }>;

/**
 * Every `everyMs` (default 5 minutes), prints to stderr each test and `beforeAll`/`afterAll`
 * hook that has been running for at least that long, with its file and how long so far.
 * Slow is not wrong on a busy machine: nothing fails, the lines only say where a run waits.
 */
export class StillRunningReporter implements Reporter {
  private readonly running: Running = new Map();
  private timer: NodeJS.Timeout | undefined;

  /** @param everyMs How often to look, and how long something must have run to be named. */
  constructor(private readonly everyMs = 5 * 60_000) {}

  /** Starts looking. */
  onTestRunStart(): void {
    this.running.clear();
    clearInterval(this.timer);
    this.timer = setInterval(() => this.print(), this.everyMs);
    this.timer.unref();
  }

  /** Stops looking. */
  onTestRunEnd(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.running.clear();
  }

  /** A test started (its `beforeEach`/`afterEach` hooks count as the test's time). */
  onTestCaseReady(test: TestCase): void {
    this.running.set(`test:${test.id}`, {
      what: `${test.module.moduleId} > ${test.fullName}`,
      since: Date.now(),
    });
  }

  /** A test ended. */
  onTestCaseResult(test: TestCase): void {
    this.running.delete(`test:${test.id}`);
  }

  /** A `beforeAll`/`afterAll` hook started (hooks of a test are the test's). */
  onHookStart(hook: ReportedHookContext): void {
    if (hook.entity.type === 'test') return;
    const where =
      hook.entity.type === 'module'
        ? hook.entity.moduleId
        : `${hook.entity.module.moduleId} > ${hook.entity.fullName}`;
    this.running.set(`${hook.name}:${hook.entity.id}`, {
      what: `${where} (${hook.name})`,
      since: Date.now(),
    });
  }

  /** A `beforeAll`/`afterAll` hook ended. */
  onHookEnd(hook: ReportedHookContext): void {
    this.running.delete(`${hook.name}:${hook.entity.id}`);
  }

  private print(): void {
    const now = Date.now();
    for (const { what, since } of this.running.values()) {
      const seconds = Math.round((now - since) / 1000);
      if (now - since >= this.everyMs) process.stderr.write(`still running after ${seconds} s: ${what}\n`);
    }
  }
}
