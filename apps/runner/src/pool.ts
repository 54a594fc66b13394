import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `discern` executable this process was started from (dist/pool.js → ../bin/discern.js). */
export const DISCERN_BIN = fileURLToPath(new URL('../bin/discern.js', import.meta.url));

/** How long stopped runs get to end after SIGTERM (they stop within a second: run-host.ts) before SIGKILL. */
export const STOP_GRACE_MS = 2000;

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
  /** Worker threads of each run's fits, passed as `--threads` (each run gets its share of the cores). */
  readonly threads: number;
  /** Temporary folder the runs are written into; removed by the caller. */
  readonly tmpRoot: string;
  readonly onDone?: (o: RunOutcome) => void;
}

const MAX_STDERR = 64 * 1024;

/** Child processes of every pool, so that a process that exits anyway (an uncaught error) takes them down with it. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

/**
 * Runs configs with `discern run` in child processes, at most `workers` at a time, each into its own folder under
 * `tmpRoot`. Jobs start in the order given (put the slow ones first). `stop()` ends it early: no job starts any more,
 * the running ones get SIGTERM (and SIGKILL after STOP_GRACE_MS, or at once on a second stop), and `run` resolves
 * only once every child has exited, so that the caller can then remove their folders.
 */
export class RunPool {
  private readonly children = new Set<ChildProcess>();
  private stopping = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PoolOptions) {}

  /** Runs under way now. */
  get running(): number {
    return this.children.size;
  }

  /** Stops the runs: SIGTERM now, SIGKILL after the grace (or now, when `now`). */
  stop(now = false): void {
    if (!this.stopping) {
      this.stopping = true;
      for (const c of this.children) c.kill('SIGTERM');
      this.killTimer = setTimeout(() => this.killAll(), STOP_GRACE_MS);
    }
    if (now) this.killAll();
  }

  private killAll(): void {
    for (const c of this.children) c.kill('SIGKILL');
  }

  /** The outcomes of the jobs that ran, in the order of `jobs` (a job that never started because of `stop` has none). */
  async run(jobs: readonly RunJob[]): Promise<(RunOutcome | undefined)[]> {
    installExitHook();
    const results = new Array<RunOutcome | undefined>(jobs.length).fill(undefined);
    let next = 0;
    const worker = async () => {
      while (next < jobs.length && !this.stopping) {
        const i = next++;
        const outcome = await this.runOne(jobs[i]!);
        results[i] = outcome;
        if (!this.stopping) this.options.onDone?.(outcome);
      }
    };
    const n = Math.max(1, Math.min(this.options.workers, jobs.length));
    try {
      await Promise.all(Array.from({ length: n }, worker));
    } finally {
      clearTimeout(this.killTimer);
    }
    return results;
  }

  private runOne(job: RunJob): Promise<RunOutcome> {
    const runDir = join(this.options.tmpRoot, job.slot);
    const t0 = performance.now();
    return new Promise((resolve) => {
      // A fresh process per config: nothing (module state, warmed caches, registries) carries from one run to the
      // next. The thread count goes as an argument, not through the environment.
      const child = spawn(process.execPath, [DISCERN_BIN, '--quiet', '--threads', String(this.options.threads), 'run', job.config, '--out', runDir], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      });
      this.children.add(child);
      live.add(child);
      let stderr = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (s: string) => {
        if (stderr.length < MAX_STDERR) stderr += s;
      });
      const finish = (code: number, spawnError?: string) => {
        this.children.delete(child);
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
      child.on('close', (code, signal) => finish(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 137)));
    });
  }
}

/** Removes a finished run folder (the pool's caller reads it first). */
export function removeRun(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
