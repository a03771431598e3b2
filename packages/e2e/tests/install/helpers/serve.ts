/**
 * `nocoflo serve` from an installed host, as a child process: waits for the "is serving"
 * line, hands the base URL over, and stops the server (SIGTERM) afterwards.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv } from './commands.js';

/**
 * Runs the project's `nocoflo` bin (what `npx nocoflo` starts; spawned directly so the
 * SIGTERM reaches the server itself) in `cwd` while `fn` runs; rejects with the output if
 * it never serves.
 */
export async function withServer(cwd: string, args: readonly string[], fn: (base: string) => Promise<void>) {
  const child = spawn(join(cwd, 'node_modules/.bin/nocoflo'), args, {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /is serving (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`nocoflo ${args.join(' ')} exited ${code}:\n${output}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await fn(base);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
