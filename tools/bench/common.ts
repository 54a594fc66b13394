/**
 * Shared pieces of the benchmarks: the MAGIC data, timing (wall and CPU), a long-lived scikit-learn process driven
 * line by line so that our runs and scikit-learn's can be interleaved in one run on the same machine, and a
 * description of the machine.
 *
 * Python is $DISCERN_PYTHON or /usr/bin/python3; without scikit-learn (or threadpoolctl) the comparison is skipped
 * and the reason is printed.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as linalg from '@discern/linalg';
import * as models from '@discern/models';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAGIC = join(ROOT, '..', 'shared', 'data', 'magic04.csv');
export const PYTHON = process.env.DISCERN_PYTHON ?? '/usr/bin/python3';

/**
 * The libraries, imported by package name: `npm run bench` runs tsx with tools/tsconfig.json, whose paths map
 * @discern/* to the packages' sources, so no build is needed and no stale dist is measured.
 */
export async function loadModels(): Promise<typeof models> {
  return models;
}

export async function loadLinalg(): Promise<typeof linalg> {
  return linalg;
}

/** One timed run: wall-clock and CPU (user + system) seconds. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

export interface BenchResult {
  /** Short name, e.g. 'GMM EM'. */
  readonly task: string;
  /** What one run does. */
  readonly work: string;
  /** Required ratio ours / scikit-learn (wall-clock medians). */
  readonly target: number;
  readonly ours: Timing[];
  /** scikit-learn as it runs by default (BLAS and OpenMP threads as configured). */
  readonly sklearn?: Timing[];
  /** scikit-learn limited to one BLAS/OpenMP thread (threadpoolctl). */
  readonly sklearnOneThread?: Timing[];
  /** Why scikit-learn was not measured. */
  readonly skipped?: string;
  /** Figures that show both did the same work (log-likelihoods, AUCs, iterations). */
  readonly notes: string[];
  /** Arithmetic rates of discern's hot passes, measured in the same run (GFLOP/s against the machine's peak). */
  readonly rates?: Rate[];
  /** Other properties the issue asks for, measured in the same run (scaling with rows, with threads). */
  readonly checks?: Check[];
}

/** One pass's arithmetic: `gflop` nominal floating-point operations (multiply and add counted apart) in `seconds`. */
export interface Rate {
  readonly what: string;
  readonly gflop: number;
  readonly seconds: number;
  /** Threads the pass ran on (its peak is that many cores'). */
  readonly threads: number;
}

/** A measured figure against its target. */
export interface Check {
  readonly what: string;
  readonly value: number;
  /** The target as printed, e.g. '≤ 11' */
  readonly target: string;
  readonly pass: boolean;
}

/** X stacked `times` times (the same rows again and again): the 10×-rows scaling runs. */
export function replicate(X: Dense, times: number): Dense {
  const data = new Float64Array(X.data.length * times);
  for (let t = 0; t < times; t++) data.set(X.data, t * X.data.length);
  return { rows: X.rows * times, cols: X.cols, data };
}

export function median(a: readonly number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

export const wallMedian = (t: readonly Timing[]): number => median(t.map((x) => x.wall));
export const cpuMedian = (t: readonly Timing[]): number => median(t.map((x) => x.cpu));

/** Times fn: wall clock (performance.now) and CPU (process.cpuUsage, user + system). */
export function timed<T>(fn: () => T): { value: T; timing: Timing } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { value, timing: { wall, cpu: (c.user + c.system) / 1e6 } };
}

export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** MAGIC gamma telescope: 19,020 rows, 10 features, label 1 for 'g' (gamma, the signal). */
export function readMagic(): { X: Dense; y: Int32Array } {
  const lines = readFileSync(MAGIC, 'utf8').trim().split(/\r?\n/).slice(1);
  const p = 10;
  const n = lines.length;
  const data = new Float64Array(n * p);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cells = lines[i]!.split(',');
    for (let j = 0; j < p; j++) data[i * p + j] = Number(cells[j]);
    y[i] = cells[p] === 'g' ? 1 : 0;
  }
  return { X: { rows: n, cols: p, data }, y };
}

/** Standardises the columns of X in place with X's column means and (population) deviations, and `others` with the same. */
export function standardise(X: Dense, others: Dense[] = []): void {
  const { rows: n, cols: p, data } = X;
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * p + j]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * p + j]! - m) ** 2;
    const sd = Math.sqrt(v / n);
    for (const M of [X, ...others]) for (let i = 0; i < M.rows; i++) M.data[i * p + j] = (M.data[i * p + j]! - m) / sd;
  }
}

/**
 * The Python side's driver: reads one JSON command per stdin line and answers one JSON line. 'setup' runs the
 * benchmark script's setup(cfg) (data from .f64/.i32 files written by `writeArrays`), 'run' times one call of its
 * fit(run) (wall: perf_counter, CPU: process_time), with `threads: 1` under threadpoolctl's threadpool_limits(1);
 * 'extra' returns the script's extra() (untimed figures, e.g. a converged fit's AUC).
 */
const DRIVER = String.raw`
import json, os, sys, time, warnings
warnings.filterwarnings('ignore')
import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits
def load(path, dtype, shape):
    return np.fromfile(path, dtype=dtype).reshape(shape)
g = {'np': np, 'load': load}
exec(open(sys.argv[1]).read(), g)
out = sys.stdout
for line in sys.stdin:
    cmd = json.loads(line)
    try:
        if cmd['op'] == 'info':
            import sklearn, scipy, platform
            res = {'python': platform.python_version(), 'sklearn': sklearn.__version__, 'numpy': np.__version__, 'scipy': scipy.__version__,
                   'pools': [{k: p.get(k) for k in ('internal_api', 'version', 'num_threads', 'threading_layer', 'architecture')} for p in threadpool_info()],
                   'env': {k: os.environ.get(k) for k in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS')}}
        elif cmd['op'] == 'setup':
            g['setup'](cmd['cfg']); res = {}
        elif cmd['op'] == 'extra':
            res = g['extra']()
        else:
            def once():
                t, c = time.perf_counter(), time.process_time()
                extra = g['fit'](cmd.get('run', 0))
                return {'wall': time.perf_counter() - t, 'cpu': time.process_time() - c, **(extra or {})}
            if cmd.get('threads') == 1:
                with threadpool_limits(limits=1):
                    res = once()
            else:
                res = once()
        out.write(json.dumps({'ok': res}) + '\n')
    except Exception as e:
        out.write(json.dumps({'error': repr(e)}) + '\n')
    out.flush()
`;

/** A scikit-learn process kept alive across runs, so its timings interleave with ours. */
export class PythonSession {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private readonly dir: string;
  private stderr = '';

  private constructor(script: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'discern-bench-'));
    writeFileSync(join(this.dir, 'driver.py'), DRIVER);
    writeFileSync(join(this.dir, 'bench.py'), script);
    this.proc = spawn(PYTHON, ['-W', 'ignore', join(this.dir, 'driver.py'), join(this.dir, 'bench.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on('line', (l) => this.pending.shift()?.(l));
    this.proc.on('exit', () => {
      for (const p of this.pending.splice(0)) p(JSON.stringify({ error: `python exited: ${this.stderr.trim().split('\n').pop() ?? ''}` }));
    });
  }

  /** Starts the session, or returns why scikit-learn cannot be measured. */
  static start(script: string): PythonSession | string {
    if (!existsSync(PYTHON)) return `${PYTHON} not found`;
    const probe = spawnSync(PYTHON, ['-c', 'import sklearn, threadpoolctl'], { encoding: 'utf8' });
    if (probe.status !== 0) return `${PYTHON} has no scikit-learn (or threadpoolctl)`;
    return new PythonSession(script);
  }

  /** Path of a file in the session's temporary folder. */
  file(name: string): string {
    return join(this.dir, name);
  }

  /** Writes arrays as raw little-endian .f64/.i32 files for np.fromfile; returns their paths by name. */
  writeArrays(arrays: Record<string, Float64Array | Int32Array>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, a] of Object.entries(arrays)) {
      const path = this.file(`${name}.${a instanceof Float64Array ? 'f64' : 'i32'}`);
      writeFileSync(path, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      out[name] = path;
    }
    return out;
  }

  call<T = Record<string, unknown>>(cmd: Record<string, unknown>): Promise<T> {
    return new Promise<T>((res, rej) => {
      this.pending.push((line) => {
        const msg = JSON.parse(line) as { ok?: T; error?: string };
        if (msg.error !== undefined) rej(new Error(`scikit-learn side: ${msg.error}`));
        else res(msg.ok as T);
      });
      this.proc.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }

  /** One timed scikit-learn fit (threads: 1 for the single-thread figure), with the script's extra figures. */
  run(run: number, threads?: 1): Promise<Timing & Record<string, unknown>> {
    return this.call({ op: 'run', run, ...(threads ? { threads } : {}) });
  }

  close(): void {
    this.proc.stdin.end();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface SklearnInfo {
  python: string;
  sklearn: string;
  numpy: string;
  scipy: string;
  pools: { internal_api: string; version: string | null; num_threads: number; threading_layer?: string; architecture?: string }[];
  env: Record<string, string | null>;
}

/** The machine: CPU model, cores, Node, load averages (1, 5, 15 min). */
export function machine(): { cpu: string; cores: number; node: string; load: number[] } {
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) cpu = m[1].trim();
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return { cpu, cores: cpus().length, node: process.version, load: loadavg().map((v) => Math.round(v * 100) / 100) };
}

/** Options every benchmark takes. */
export interface BenchOptions {
  /** Measure scikit-learn (default true). */
  readonly sklearn?: boolean;
  /** Also time scikit-learn limited to one thread (default true). */
  readonly oneThread?: boolean;
  /** Runs of each (default 3; the median is reported). */
  readonly runs?: number;
  readonly log?: (line: string) => void;
  /**
   * Pause before each timed run, in ms (default 200), spent busy-waiting. After a BLAS call OpenBLAS's worker threads
   * spin for a while before they sleep, and a run started at once shares the cores with them; a pause spent asleep
   * instead lets this virtual machine's cores go idle, and the first tens of ms after that run markedly slower
   * (measured on the logistic fit: 30 ms after a busy pause, 64 ms after a 300 ms sleep, 55 ms with no pause).
   */
  readonly settleMs?: number;
}

/**
 * Runs ours and scikit-learn interleaved, after one untimed warm-up run of each (numbered `runs`): ours, sklearn, sklearn
 * (1 thread), ours, … `ours(r)` does one timed run and returns its timing; scikit-learn's extra figures from each run go to `onSklearn`.
 */
export async function interleave(
  session: PythonSession | undefined,
  o: BenchOptions,
  ours: (run: number, warmup: boolean) => Timing | Promise<Timing>,
  onSklearn: (r: Timing & Record<string, unknown>, oneThread: boolean) => void = () => {},
): Promise<{ ours: Timing[]; sklearn: Timing[]; sklearnOneThread: Timing[] }> {
  const runs = o.runs ?? 3;
  const log = o.log ?? ((): void => {});
  const res = { ours: [] as Timing[], sklearn: [] as Timing[], sklearnOneThread: [] as Timing[] };
  const f = (t: Timing): string => `${t.wall.toFixed(3)} s wall, ${t.cpu.toFixed(3)} s cpu`;
  const settleMs = o.settleMs ?? 200;
  const settle = (): void => {
    const t0 = performance.now();
    while (performance.now() - t0 < settleMs); // busy on purpose: see BenchOptions.settleMs
  };
  // One untimed run of each first (numbered `runs`, after the timed ones): JIT compilation, discern's worker threads
  // starting, Python's lazy imports.
  await ours(runs, true);
  if (session) await session.run(runs);
  for (let r = 0; r < runs; r++) {
    settle();
    const t = await ours(r, false);
    res.ours.push(t);
    log(`    run ${r + 1}: discern ${f(t)}`);
    if (!session) continue;
    settle();
    const s = await session.run(r);
    res.sklearn.push({ wall: s.wall, cpu: s.cpu });
    onSklearn(s, false);
    log(`    run ${r + 1}: sklearn ${f(s)}`);
    if (o.oneThread !== false) {
      settle();
      const s1 = await session.run(r, 1);
      res.sklearnOneThread.push({ wall: s1.wall, cpu: s1.cpu });
      onSklearn(s1, true);
      log(`    run ${r + 1}: sklearn (1 thread) ${f(s1)}`);
    }
  }
  return res;
}

/** The timings and notes a benchmark body measured; `withSklearn` turns them into its BenchResult. */
export interface BenchFigures {
  readonly task: string;
  readonly work: string;
  readonly target: number;
  readonly timings: { ours: Timing[]; sklearn: Timing[]; sklearnOneThread: Timing[] };
  readonly notes: string[];
  readonly rates?: Rate[];
  readonly checks?: Check[];
}

/**
 * Starts the scikit-learn side of a benchmark from its Python code (none when `o.sklearn` is false or scikit-learn
 * is missing), runs `body` with it, always closes it, and returns the result: scikit-learn's timings when it ran,
 * why it did not otherwise.
 */
export async function withSklearn(o: BenchOptions, script: string, body: (py: PythonSession | undefined) => Promise<BenchFigures>): Promise<BenchResult> {
  const session = o.sklearn === false ? 'disabled' : PythonSession.start(script);
  const py = typeof session === 'string' ? undefined : session;
  try {
    const { task, work, target, timings: t, notes, rates, checks } = await body(py);
    return {
      task,
      work,
      target,
      ours: t.ours,
      ...(rates ? { rates } : {}),
      ...(checks ? { checks } : {}),
      ...(py ? { sklearn: t.sklearn } : { skipped: session as string }),
      ...(py && t.sklearnOneThread.length ? { sklearnOneThread: t.sklearnOneThread } : {}),
      notes,
    };
  } finally {
    py?.close();
  }
}

/** Whether the module at `url` (its import.meta.url) is the script node was started with. */
export function isMain(url: string): boolean {
  return !!process.argv[1] && url === pathToFileURL(resolve(process.argv[1])).href;
}

/** Runs one benchmark and prints its table, when the module at `url` was started as a script. */
export async function runIfMain(url: string, bench: () => Promise<BenchResult>): Promise<void> {
  if (!isMain(url)) return;
  const { printResults } = await import('./run.js');
  printResults([await bench()]);
}

/**
 * discern's side of a benchmark in a Node process of its own (`node --import tsx/esm <child>`, the sources), driven
 * one JSON command per line (the child answers with `serveCommands`). Why: the harness runs under tsx's command line,
 * whose CommonJS hook, once ml-matrix (a dependency of @discern/linalg) is loaded through it, makes every typed-array
 * loop of that process ~25 % slower (measured on the trees' histogram loop: 2.4 → 3.1 ns per update); the same
 * sources loaded by `node --import tsx/esm`, or built code as the `discern` command runs it, run at full speed.
 */
export class DiscernProcess {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = '';

  /** `file`: the child script, beside this one (e.g. 'bdt-child.ts'). */
  constructor(file: string) {
    const child = fileURLToPath(new URL(`./${file}`, import.meta.url));
    this.proc = spawn(process.execPath, ['--import', 'tsx/esm', child], { cwd: ROOT, env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tools', 'tsconfig.json') }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = createInterface({ input: this.proc.stdout });
    this.lines.on('line', (l) => this.pending.shift()?.(l));
    this.proc.on('exit', () => {
      for (const p of this.pending.splice(0)) p(JSON.stringify({ error: `discern's process exited: ${this.stderr.trim().split('\n').pop() ?? ''}` }));
    });
  }

  call<T>(cmd: Record<string, unknown>): Promise<T> {
    return new Promise<T>((res, rej) => {
      this.pending.push((line) => {
        const msg = JSON.parse(line) as { ok?: T; error?: string };
        if (msg.error !== undefined) rej(new Error(`discern side: ${msg.error}`));
        else res(msg.ok as T);
      });
      this.proc.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/**
 * The child's side of DiscernProcess: answers each JSON line of stdin ({"op": …, …}) with {"ok": result} or
 * {"error": message}, one line each, until stdin ends.
 */
export async function serveCommands(handlers: Record<string, (cmd: Record<string, unknown>) => unknown>): Promise<void> {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const cmd = JSON.parse(line) as Record<string, unknown> & { op: string };
    let out: string;
    try {
      const h = handlers[cmd.op];
      if (!h) throw new Error(`unknown op ${cmd.op}; ops: ${Object.keys(handlers).join(', ')}`);
      out = JSON.stringify({ ok: await h(cmd) });
    } catch (e) {
      out = JSON.stringify({ error: e instanceof Error ? e.message : String(e) });
    }
    process.stdout.write(out + '\n');
  }
}
