/**
 * The `process` level's bridge: a small host-side worker thread that starts the plugin's
 * child process and relays between it and the host. It exists so sync calls work at this
 * level too: the host thread waits (`Atomics.wait`) on the buffer, and this thread, which is
 * not blocked, writes the child's answer there when it arrives over IPC.
 */
import { fork } from 'node:child_process';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { writeAnswer } from './sync-call.js';

interface BridgeData {
  childEntry: string;
  execArgv: string[];
  env: Record<string, string>;
  cwd: string;
  sync: { buffer: SharedArrayBuffer; port: MessagePort };
}

const data = workerData as BridgeData;
const port = parentPort;
if (!port) throw new Error('nocoflo: the process bridge runs in a worker thread');

const child = fork(data.childEntry, [], {
  execArgv: data.execArgv,
  env: data.env,
  cwd: data.cwd,
  serialization: 'advanced',
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
port.postMessage({ bridge: 'pid', pid: child.pid });
child.on('message', (message: unknown) => {
  const sync = (message as { syncAnswer?: string } | null)?.syncAnswer;
  if (typeof sync === 'string') writeAnswer(data.sync.buffer, sync);
  else port.postMessage(message);
});
child.on('exit', (code, signal) => port.postMessage({ bridge: 'exit', code, signal }));
child.on('error', (error) =>
  port.postMessage({ bridge: 'exit', code: null, signal: null, error: String(error) }),
);
port.on('message', (message: unknown) => {
  if (child.connected) child.send(message as never);
});
data.sync.port.on('message', (call: unknown) => {
  if (child.connected) child.send({ syncCall: call });
});
