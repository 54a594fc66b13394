import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DiscernError, type NamedPath, assertNotInput, writeFileAtomic } from '@discern/core';
import type { Comparison, ConfigLock, Drift, LockEnvironment, Lockfile } from '@discern/pipeline';
import { type CommandContext, display, globals, threadsOf } from '../cli-common.js';
import { Interrupted, type StopReason, interruptible } from '../interrupt.js';
import { EXIT } from '../output.js';
import { checkInputFile, checkOutputFile } from '../paths.js';
import { RunPool, type RunOutcome, removeRun } from '../pool.js';

// This module is itself loaded on demand (commands/reproduce.ts); the pipeline with it, never by the other commands.
const {
  compareConfig,
  diffLocks,
  emptyLock,
  environmentNote,
  environmentVersions,
  formatDriftTable,
  inputsOf,
  lockEntryFromRun,
  lockPath,
  parseLock,
  prepareConfig,
  sameEnvironment,
  serializeLock,
} = await import('@discern/pipeline');

/**
 * `discern reproduce`, loaded by commands/reproduce.ts when the command runs (the main thread loads the pipeline only
 * for the commands that need it).
 */
export interface ReproduceOptions {
  readonly lock: string;
  readonly update?: boolean;
  /** Checked when parsed (commands/reproduce.ts); at most one per config. */
  readonly workers?: number;
  readonly json?: boolean;
}

/** Every config under `dir` (recursively; hidden folders and node_modules skipped), sorted. */
export function findConfigs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/**
 * The files a config's run reads besides the config itself — its data files (lists and globs expanded, samples
 * included), plugins and the files its steps name — as the run itself lists them (the pipeline's inputsOf). A config
 * that is not valid has none here: its run reports the error.
 */
async function inputFilesOf(config: string): Promise<NamedPath[]> {
  try {
    return inputsOf(await prepareConfig(config)).filter((f) => resolve(f.path) !== resolve(config));
  } catch {
    return [];
  }
}

/** A rough cost of a run (bytes of the files it reads), so the slow runs start first and the pool finishes together. */
function cost(inputs: readonly NamedPath[]): number {
  let bytes = 0;
  for (const f of inputs) {
    try {
      bytes += statSync(f.path).size;
    } catch {
      // a missing file: the run reports it
    }
  }
  return bytes;
}

function currentEnvironment(): LockEnvironment {
  const v = environmentVersions() as { platform: string; node: string; discern: string; packages: Record<string, string> };
  return { platform: v.platform, node: v.node, discern: v.discern, packages: v.packages };
}

/** Writes the lock atomically (temporary file, then rename), so an interrupted update never leaves half a lock. */
function writeLock(file: string, lock: Lockfile): void {
  writeFileAtomic(file, serializeLock(lock));
}

interface ConfigResult {
  readonly key: string;
  readonly status: 'ok' | 'drift' | 'error' | 'updated';
  readonly seconds: number;
  readonly entry?: ConfigLock;
  readonly comparison?: Comparison;
  readonly error?: string;
  readonly code?: number;
}

export async function reproduce(ctx: CommandContext, configArgs: readonly string[], opts: ReproduceOptions): Promise<void> {
  const { output } = ctx;
  const g = globals(ctx);
  const say = (line: string) => (g.quiet || opts.json ? undefined : output.err(line));
  const lockFile = resolve(opts.lock);
  const lockDir = dirname(lockFile);
  const all = configArgs.length === 0;
  const configs = all ? findConfigs(join(lockDir, 'configs')) : configArgs.map((c) => resolve(c));
  if (configs.length === 0) throw new DiscernError('FILE_NOT_FOUND', `no configs to reproduce: none named and no *.yaml under ${display(join(lockDir, 'configs'))}`, {});
  for (const c of configs) checkInputFile(c, 'config');
  // Everything is checked before any run starts: the lock that --update writes is none of the files read.
  if (existsSync(lockFile)) checkInputFile(lockFile, '--lock');
  const readsOf = await Promise.all(configs.map(inputFilesOf));
  if (opts.update) {
    checkOutputFile(lockFile, '--lock');
    const inputs: NamedPath[] = configs.flatMap((c, i) => [{ path: c, what: 'a config' }, ...readsOf[i]!.map((f) => ({ path: f.path, what: `${f.what} (${display(c)})` }))]);
    assertNotInput({ path: lockFile, what: '--lock', kind: 'file' }, inputs);
  }
  let lock: Lockfile | undefined;
  if (existsSync(lockFile)) lock = parseLock(readFileSync(lockFile, 'utf8'), display(lockFile));
  else if (!opts.update)
    throw new DiscernError('FILE_NOT_FOUND', `lockfile not found: ${display(lockFile)}; create it with discern reproduce --update (or name another with --lock)`, { file: lockFile });
  const keys = configs.map((c) => lockPath(lockDir, c));
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) throw new DiscernError('USAGE', `the config ${twice} is named twice; name each config once`, { config: twice });
  const workers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), configs.length));
  // The runs share the cores: each gets its part for the worker threads of its fits (results do not depend on
  // it), unless --threads or DISCERN_THREADS says otherwise.
  const threads = threadsOf(ctx) ?? Math.max(1, Math.floor(availableParallelism() / workers));

  const env = currentEnvironment();
  const envNote = lock ? environmentNote(lock.environment, env) : undefined;
  if (envNote && !opts.update) say(envNote);
  const enforceHashes = lock ? sameEnvironment(lock.environment, env) : true;

  // Slow runs first; ties by name. Each run gets its own folder in one temporary folder, removed at the end.
  const order = configs.map((c, i) => ({ c, i, cost: cost(readsOf[i]!) })).sort((a, b) => b.cost - a.cost || (keys[a.i]! < keys[b.i]! ? -1 : 1));
  const tmpRoot = mkdtempSync(join(tmpdir(), 'discern-reproduce-'));
  const t0 = performance.now();
  say(`reproducing ${configs.length} config${configs.length === 1 ? '' : 's'} with ${workers} worker${workers === 1 ? '' : 's'}${opts.update ? ' (updating the lock)' : ` against ${display(lockFile)}`}`);
  const results = new Map<number, ConfigResult>();
  const handle = (o: RunOutcome): ConfigResult => {
    const i = Number(o.job.slot.split('-')[0]);
    const key = keys[i]!;
    if (!o.runDir) return { key, status: 'error', seconds: o.seconds, error: o.error ?? 'failed', code: o.code };
    try {
      const previous = lock?.configs[key];
      const { entry } = lockEntryFromRun(o.runDir, lockDir, previous?.metrics);
      if (opts.update) return { key, status: 'updated', seconds: o.seconds, entry };
      if (!previous)
        return {
          key,
          status: 'drift',
          seconds: o.seconds,
          entry,
          comparison: { drift: [{ config: key, metric: '(no lock entry)', locked: undefined, got: undefined, tolerance: 'run discern reproduce --update' }], notes: [], passed: 0 },
        };
      const comparison = compareConfig(key, previous, entry, enforceHashes);
      return { key, status: comparison.drift.length > 0 ? 'drift' : 'ok', seconds: o.seconds, entry, comparison };
    } finally {
      removeRun(o.runDir);
    }
  };
  const pool = new RunPool({
    workers,
    threads,
    tmpRoot,
    onDone: (o) => {
      const r = handle(o);
      results.set(Number(o.job.slot.split('-')[0]), r);
      const what =
        r.status === 'error'
          ? `error: ${r.error!.split('\n')[0]}`
          : r.status === 'updated'
            ? `${Object.keys(r.entry!.metrics).length} metrics, ${Object.keys(r.entry!.artifacts).length} artifact hashes`
            : r.status === 'ok'
              ? `${r.comparison!.passed} metrics within tolerance${enforceHashes ? `, ${Object.keys(r.entry!.artifacts).length} artifacts identical` : ''}`
              : `${r.comparison!.drift.length} drifted`;
      say(`  ${r.status.padEnd(7)} ${r.key}  ${r.seconds.toFixed(1)} s  ${what}`);
    },
  });
  // Ctrl-C or SIGTERM (to this process alone or to its whole process group): the runs are stopped, waited for,
  // and their temporary folders removed before this process exits; the lock is untouched.
  let stoppedBy: StopReason | undefined;
  let stoppedRuns = 0;
  try {
    await interruptible(
      {
        stop(reason, count) {
          if (stoppedBy === undefined) {
            stoppedBy = reason;
            stoppedRuns = pool.running;
          }
          pool.stop(count > 1);
        },
      },
      () => pool.run(order.map(({ c, i }) => ({ config: c, slot: `${i}-${keys[i]!.replace(/[^\w.-]+/g, '_')}` }))),
    );
  } finally {
    rmSync(tmpRoot, { recursive: true, force: true });
  }
  if (stoppedBy !== undefined)
    throw new Interrupted(
      stoppedBy,
      `during discern reproduce: ${stoppedRuns} run${stoppedRuns === 1 ? '' : 's'} stopped and ${results.size} of ${configs.length} finished; the temporary run folders were removed and ${display(lockFile)} is unchanged`,
    );
  const seconds = (performance.now() - t0) / 1000;
  const ordered = configs.map((_, i) => results.get(i)!);
  const errors = ordered.filter((r) => r.status === 'error');
  const drift: Drift[] = ordered.flatMap((r) => r.comparison?.drift ?? []);
  const notes = ordered.flatMap((r) => r.comparison?.notes ?? []);
  const stale = all && lock ? Object.keys(lock.configs).filter((k) => !keys.includes(k)) : [];

  if (opts.update) {
    if (errors.length > 0) {
      for (const r of errors) output.err(`error in ${r.key}: ${r.error}`);
      output.err(`the lock was NOT updated: ${errors.length} config${errors.length === 1 ? '' : 's'} failed`);
      ctx.setExitCode(errors.some((r) => r.code === EXIT.internal) ? EXIT.internal : EXIT.user);
      return;
    }
    const base = lock ?? emptyLock(env);
    const configsOut: Record<string, ConfigLock> = { ...base.configs };
    for (const k of stale) delete configsOut[k];
    for (const r of ordered) configsOut[r.key] = r.entry!;
    const next: Lockfile = { ...base, environment: env, configs: configsOut };
    const diff = diffLocks(lock, next);
    const changed = !lock || serializeLock(lock) !== serializeLock(next);
    if (changed) writeLock(lockFile, next);
    if (opts.json) {
      output.out(JSON.stringify({ updated: changed, lock: lockFile, seconds, diff }, null, 2));
      return;
    }
    if (!g.quiet) {
      if (!changed) output.out(`${display(lockFile)} is up to date (${ordered.length} config${ordered.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s)`);
      else {
        output.out(`updated ${display(lockFile)} (${ordered.length} config${ordered.length === 1 ? '' : 's'} in ${seconds.toFixed(1)} s):`);
        for (const l of diff) output.out(l);
      }
    }
    return;
  }

  const code = errors.length > 0 ? (errors.some((r) => r.code === EXIT.internal) ? EXIT.internal : EXIT.user) : drift.length > 0 ? EXIT.drift : EXIT.ok;
  ctx.setExitCode(code);
  if (opts.json) {
    output.out(
      JSON.stringify(
        {
          ok: code === EXIT.ok,
          lock: lockFile,
          workers,
          seconds: Math.round(seconds * 1000) / 1000,
          environment: env,
          ...(envNote ? { environmentNote: envNote } : {}),
          configs: ordered.map((r) => ({
            config: r.key,
            status: r.status,
            seconds: Math.round(r.seconds * 1000) / 1000,
            ...(r.entry ? { artifacts: r.entry.artifacts } : {}),
            ...(r.comparison ? { passed: r.comparison.passed, drift: r.comparison.drift, notes: r.comparison.notes } : {}),
            ...(r.error ? { error: r.error } : {}),
          })),
          stale,
        },
        null,
        2,
      ),
    );
    return;
  }
  for (const r of errors) output.err(`error in ${r.key}: ${r.error}`);
  for (const n of notes) say(`note: ${n}`);
  if (stale.length > 0) say(`note: the lock has entries for configs that no longer exist (${stale.join(', ')}); discern reproduce --update removes them`);
  if (drift.length > 0) {
    const configsDrifted = new Set(drift.map((d) => d.config)).size;
    output.out(`drift in ${configsDrifted} of ${ordered.length} config${ordered.length === 1 ? '' : 's'}:`);
    for (const l of formatDriftTable(drift)) output.out(l);
    output.out('if the change is intended, accept it with: discern reproduce --update');
  }
  if (!g.quiet) {
    const ok = ordered.filter((r) => r.status === 'ok').length;
    output.out(`${ok} of ${ordered.length} config${ordered.length === 1 ? '' : 's'} reproduced within tolerance in ${seconds.toFixed(1)} s with ${workers} worker${workers === 1 ? '' : 's'}`);
  }
}
