import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `discern` executable this process was started from (dist/pool.js → ../bin/discern.js). */
export const DISCERN_BIN = fileURLToPath(new URL('../bin/discern.js', import.meta.url));

export interface RunJob {
  /** Absolute path of the config. */
  readonly config: string;
  /** Folder name of its run under the pool's temporary folder (unique per job). */
  readonly slot: string;
}

export interface RunOutcome {
  readonly job: RunJob;
  /** The run folder (only when the run succeeded). */
  readonly runDir?: string;
  /** Exit code of `discern run` (0 ok, 2 user error, 3 internal error; 130/143 interrupted). */
  readonly code: number;
  /** The error line(s) the run printed, without the "error " prefix. */
  readonly error?: string;
  readonly seconds: number;
}

export interface PoolOptions {
  readonly workers: number;
  /** Temporary folder the runs are written into; removed by the caller. */
  readonly tmpRoot: string;
  readonly onDone?: (o: RunOutcome) => void;
}

const MAX_STDERR = 64 * 1024;

/** Child processes still running, so an interrupted reproduce takes them down with it. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // main.ts exits on SIGINT/SIGTERM after its own cleanup; the runs in flight go with it.
  process.on('exit', () => {
    for (const c of live) c.kill('SIGTERM');
  });
}

function runOne(job: RunJob, tmpRoot: string, threads: string): Promise<RunOutcome> {
  const runDir = join(tmpRoot, job.slot);
  const t0 = performance.now();
  return new Promise((resolve) => {
    // A fresh process per config: nothing (module state, warmed caches, registries) carries from one run to the next.
    const child = spawn(process.execPath, [DISCERN_BIN, '--quiet', 'run', job.config, '--out', runDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', DISCERN_THREADS: threads },
    });
    live.add(child);
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      if (stderr.length < MAX_STDERR) stderr += s;
    });
    const finish = (code: number, spawnError?: string) => {
      live.delete(child);
      const seconds = (performance.now() - t0) / 1000;
      if (code === 0) {
        resolve({ job, runDir, code, seconds });
        return;
      }
      const text = spawnError ?? stderr.trim();
      const error = text.replace(/^error /, '') || `discern run exited with code ${code}`;
      resolve({ job, code, error, seconds });
    };
    child.on('error', (e) => finish(3, `cannot start discern run: ${e.message}`));
    child.on('close', (code, signal) => finish(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 3)));
  });
}

/**
 * Runs configs with `discern run` in child processes, at most `workers` at a time, each into its own folder under
 * `tmpRoot`. Jobs start in the order given (put the slow ones first); results come back in the same order.
 */
export async function runPool(jobs: readonly RunJob[], options: PoolOptions): Promise<RunOutcome[]> {
  installExitHook();
  // The runs share the cores: each gets its part for the worker threads of its fits (results do not depend on it),
  // unless DISCERN_THREADS is set.
  const threads = process.env.DISCERN_THREADS ?? String(Math.max(1, Math.floor(availableParallelism() / Math.max(1, options.workers))));
  const results: RunOutcome[] = new Array<RunOutcome>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      const outcome = await runOne(jobs[i]!, options.tmpRoot, threads);
      results[i] = outcome;
      options.onDone?.(outcome);
    }
  };
  const n = Math.max(1, Math.min(options.workers, jobs.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

/** Removes a finished run folder (the pool's caller reads it first). */
export function removeRun(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
