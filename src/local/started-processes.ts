import type { ChildProcess } from 'node:child_process';

/**
 * The processes this one started (servers, builds) that still run, each with its own stop. Whoever owns
 * this process stops what is left when it ends: a test file's environment does, pass or fail
 * (test/support/environment.ts). A process is tracked as soon as it exists, before it is ready, so a
 * start given up half-way leaves nothing behind. The list lives on the global object, where the test
 * environment, outside the test's modules, finds it.
 */
interface StartedProcesses {
  running: Map<ChildProcess, () => Promise<void>>;
  /** Set once the owner has stopped everything: a process started after that is stopped at once. */
  closed: boolean;
}

const key = Symbol.for('local-stack.started-processes');

function startedIn(scope: object): StartedProcesses {
  const holder = scope as { [key]?: StartedProcesses };
  return (holder[key] ??= { running: new Map(), closed: false });
}

const exitedAlready = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Tracks `child` until it exits; `stop` is its own stop (a shutdown that ends in SIGKILL). */
export function trackProcess(child: ChildProcess, stop: () => Promise<void>): void {
  const started = startedIn(globalThis);
  if (started.closed) {
    void stop();
    return;
  }
  if (exitedAlready(child)) return;
  started.running.set(child, stop);
  child.once('exit', () => started.running.delete(child));
}

/**
 * Stops every tracked process of `scope` (this global object unless told), each by its own stop, and
 * kills what is still running after `graceMs`; from then on a new one is stopped as it starts. Resolves
 * with the PIDs it found running.
 */
export async function stopStartedProcesses(scope: object = globalThis, graceMs = 10_000): Promise<number[]> {
  const started = startedIn(scope);
  started.closed = true;
  const left = [...started.running];
  const stopped = Promise.allSettled(left.map(([, stop]) => stop()));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const [child] of left) if (!exitedAlready(child)) child.kill('SIGKILL');
  return left.map(([child]) => child.pid!);
}

/**
 * Tells every tracked process of this process to stop, without waiting: each stop's first step, the signal, is
 * synchronous. For a process that is ending (`process.on('exit')`, a signal), where nothing asynchronous runs.
 */
export function signalStartedProcesses(): void {
  for (const stop of startedIn(globalThis).running.values()) void stop();
}
