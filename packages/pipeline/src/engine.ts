import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  type CancelSignal,
  DiscernError,
  type NamedPath,
  assertNotInput,
  ioError,
  isDiscernError,
  removeTemporaries,
  throwIfCancelled,
  trackTemporary,
  untrackTemporary,
} from '@discern/core';
import { type Progress } from '@discern/models';
import { ArtifactWriter } from './artifacts.js';
import { type PipelineConfig, parseConfig, readConfigFile } from './config/load.js';
import { type Override, applyOverrides } from './config/overrides.js';
import { formatPath, parseYamlConfig } from './config/yaml-source.js';
import { RunContext, type LogFn } from './context.js';
import { loadData } from './data-loader.js';
import { dataInputs, resolveConfigPath } from './data/files.js';
import { type FigureKind, figureKinds } from './figures.js';
import { loadPlugins, pluginPathsOf } from './plugins-loader.js';
import { type StepOutcome, writeReport } from './report/index.js';
import { type StepRegistry } from './registry.js';
import { type AnyStep, resultKey } from './step.js';
import { createRegistry } from './steps/index.js';
import { environmentVersions } from './versions.js';

export interface PrepareOptions {
  readonly overrides?: readonly Override[];
  /** Base registry (default: the built-in steps); the config's plugins are added to a copy. */
  readonly registry?: StepRegistry;
}

export interface PreparedConfig {
  readonly config: PipelineConfig;
  readonly registry: StepRegistry;
  readonly plugins: string[];
}

/**
 * Reads a config file, loads the plugin modules it names, and validates it against every registered step and
 * over its step sequence: what `discern validate` checks, and what `discern run` checks before reading any data.
 */
export async function prepareConfig(file: string, options: PrepareOptions = {}): Promise<PreparedConfig> {
  const path = resolve(file);
  const text = readConfigFile(file);
  const registry = (options.registry ?? createRegistry()).clone();
  const overrides = options.overrides ?? [];
  const raw = applyOverrides(parseYamlConfig(text, path).value, overrides);
  const plugins = await loadPlugins(pluginPathsOf(raw), dirname(path), registry);
  return { config: parseConfig(text, path, registry, overrides), registry, plugins };
}

/**
 * The registry with the plugin modules a config file names loaded into it, without validating the rest of the config
 * (`discern schema <config>`: an editor wants the schema of a config that is still being written).
 */
export async function registryForConfig(file: string, base: StepRegistry = createRegistry()): Promise<StepRegistry> {
  const path = resolve(file);
  const registry = base.clone();
  await loadPlugins(pluginPathsOf(parseYamlConfig(readConfigFile(file), path).value), dirname(path), registry);
  return registry;
}

export interface RunOptions extends PrepareOptions {
  /** Run folder; default runs/<name> under the current directory. */
  readonly outDir?: string;
  /** Replace a non-empty folder that is not a discern run folder. */
  readonly force?: boolean;
  readonly log?: LogFn;
  readonly progress?: (label: string) => ((p: Progress) => void) | undefined;
  /** Stream the test file of a two-file config (default true; see LoadOptions.stream). */
  readonly stream?: boolean;
  /** Rows per batch of a streamed file (default STREAM_BATCH). */
  readonly streamBatch?: number;
  /** Stops the run: every long loop of a fit checks it, and the engine between steps (INTERRUPTED). */
  readonly signal?: CancelSignal;
  /** Worker threads of the fits (default: DISCERN_THREADS, else the cores); results never depend on it. */
  readonly threads?: number;
  /** Told the temporary run folder as soon as it exists, so that a supervisor can remove it if this thread is stopped. */
  readonly onTemporary?: (path: string) => void;
  /** Told each step as it starts (an interrupt message says what was stopped). */
  readonly onStep?: (step: { readonly index: number; readonly name: string }) => void;
  /** Told each temporary folder of a dead earlier run that this run removed (a notice for the user). */
  readonly onStaleRemoved?: (path: string, pid: number) => void;
  /** The config as prepareConfig read it (its plugins loaded): a caller that checked it already passes it on. */
  readonly prepared?: PreparedConfig;
}

export interface StepTiming {
  readonly index: number;
  readonly step: string;
  readonly ms: number;
}

export interface RunResult {
  readonly outDir: string;
  readonly config: PipelineConfig;
  readonly metrics: Record<string, unknown>;
  readonly manifest: Record<string, unknown>;
  readonly summary: readonly string[];
}

const MANIFEST = 'manifest.json';

/**
 * Every file a run reads: the config itself, its data files, its plugins, and the files its steps read (the `score`
 * step's model and data; steps say so in their plans). No output may overwrite or delete one of them.
 */
export function inputsOf(prepared: PreparedConfig): NamedPath[] {
  const { config, plugins, registry } = prepared;
  const name = basename(config.file);
  const out: NamedPath[] = [{ path: config.file, what: `the config ${name}` }];
  out.push(...dataInputs(config));
  for (const p of plugins) out.push({ path: p, what: `a plugin of ${name}` });
  for (const s of config.steps) {
    const plan = registry.get(s.name)?.plan?.(s.params, { index: s.index, path: formatPath(['steps', s.index, s.name]), config });
    for (const f of plan?.needs?.files ?? []) out.push({ path: resolveConfigPath(config, f.name), what: `${f.path} of ${name}` });
  }
  return out;
}

/** The temporary siblings of a run folder while a run writes it: `.NAME.partial-PID-STAMP`, `.NAME.old-PID-STAMP`. */
export function runFolderSibling(out: string, kind: 'partial' | 'old', pid = process.pid): string {
  return join(dirname(out), `.${basename(out)}.${kind}-${pid}-${Date.now().toString(36)}`);
}

/**
 * A folder we may replace: absent, empty, or holding a previous discern run (its manifest says so), or anything with
 * --force — but never a folder that holds a file the run reads, --force or not, and never a file.
 */
function checkOutDir(out: string, force: boolean, inputs: readonly NamedPath[]): void {
  assertNotInput({ path: out, what: '--out', kind: 'folder' }, inputs);
  if (!existsSync(out)) return;
  let isDir: boolean;
  try {
    isDir = statSync(out).isDirectory();
  } catch (e) {
    throw ioError(e, out, 'use the run folder');
  }
  if (!isDir) throw new DiscernError('OUTPUT_EXISTS', `--out ${out} is a file, not a folder; choose a folder for the run (it is created if missing)`, { file: out });
  let entries: string[];
  try {
    entries = readdirSync(out);
  } catch (e) {
    throw ioError(e, out, 'read the folder');
  }
  if (entries.length === 0 || force) return;
  let isRun = false;
  try {
    isRun = (JSON.parse(readFileSync(join(out, MANIFEST), 'utf8')) as { format?: string }).format === 'discern-run';
  } catch {
    isRun = false;
  }
  if (!isRun)
    throw new DiscernError('OUTPUT_EXISTS', `--out ${out} is not empty and is not a discern run folder; choose another folder or pass --force to replace it`, { file: out });
}

/** Removes the partial run folders of this process (called on SIGINT/SIGTERM before exit). */
export function cleanupPartialRuns(): void {
  removeTemporaries();
}

/** `.NAME.partial-PID-STAMP` and `.NAME.old-PID-STAMP`: the temporary siblings of a run folder while it is written. */
const TEMP_SIBLING = /^\..+\.(?:partial|old)-(\d+)-[0-9a-z]+$/;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/**
 * Removes the temporary run folders that runs into `parent` left behind when they were killed without a chance to
 * clean up (SIGKILL, a power cut): those whose process is gone. A folder of a live process is never touched.
 */
export function removeStaleTemporaries(parent: string, log: LogFn, onRemoved?: (path: string, pid: number) => void): string[] {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of entries) {
    const m = TEMP_SIBLING.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(name);
    log(`removed ${join(parent, name)}: the temporary folder of an earlier run whose process (${m[1]}) is gone`);
    onRemoved?.(join(parent, name), Number(m[1]));
  }
  return removed;
}

type JsonMap = { [key: string]: unknown };

const isMap = (v: unknown): v is JsonMap => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Sets `value` at `path` of `root`, creating maps on the way. */
function setAt(root: JsonMap, path: readonly string[], value: unknown): void {
  let node = root;
  for (const k of path.slice(0, -1)) {
    const next = node[k];
    if (isMap(next)) node = next;
    else node = node[k] = {};
  }
  node[path[path.length - 1]!] = value;
}

function hasAt(root: JsonMap, path: readonly string[]): boolean {
  let node: unknown = root;
  for (const k of path) {
    if (!isMap(node) || !Object.hasOwn(node, k)) return false;
    node = node[k];
  }
  return true;
}

/** A zod issue, as much of it as the messages below read. */
interface Issue {
  readonly code?: string;
  readonly message: string;
  readonly path: readonly PropertyKey[];
  readonly expected?: unknown;
  readonly keys?: readonly string[];
  readonly errors?: readonly (readonly Issue[])[];
}

/** What an issue expected, in words: `number`, `a number or null`, `no key "extra"`. */
function expectedOf(issue: Issue): string {
  if (issue.code === 'invalid_type' && typeof issue.expected === 'string') return issue.expected;
  if (issue.code === 'unrecognized_keys' && issue.keys) return `no key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    const each = issue.errors.map((alt) => (alt[0] ? expectedOf(alt[0]) : '')).filter((x) => x !== '');
    if (each.length > 0) return [...new Set(each)].join(' or ');
  }
  return issue.message.replace(/^expected /i, '');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const k of path) node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[k] : undefined;
  return node;
}

/** A value, short, as a message shows it: JSON where JSON can say it, else its JavaScript spelling (NaN, Infinity). */
function shown(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The first number in `value` that JSON cannot hold (NaN, ±Infinity), with its path. */
function nonFinite(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: number } | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, value };
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const f = nonFinite(value[i], [...path, i]);
      if (f) return f;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    const f = nonFinite(v, [...path, k]);
    if (f) return f;
  }
  return undefined;
}

/** How a plugin step is named in its errors: the plugin module and the step, with its config path. */
function pluginStepName(plugin: string, step: string, index: number): string {
  return `${plugin}, step ${index + 1} (${step}, at steps[${index}].${step})`;
}

/**
 * Checks a step's result against its schema. A mismatch of a built-in step is a bug in discern (an internal error);
 * one of a local plugin (`plugin` names where it came from) is the plugin's, a coded error that names the plugin, the
 * step, the field, what was expected and what came — as is a plugin figure that JSON cannot hold (NaN, ±Infinity).
 */
function checkResult(step: AnyStep, value: unknown, index: number, plugin?: string): void {
  if (step.result) {
    const r = step.result.safeParse(value);
    if (!r.success) {
      const first = r.error.issues[0]! as unknown as Issue;
      const at = formatPath(first.path as (string | number)[]);
      if (plugin === undefined)
        throw new Error(`step ${index + 1} (${step.name}) returned a result that does not match its result schema: ${first.message} at ${at}`);
      const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
      const got = valueAt(value, first.path);
      throw new DiscernError(
        'PLUGIN_FAILED',
        `${pluginStepName(plugin, step.name, index)} returned a result that does not match its result schema: at ${at || '(the result)'} expected ${expectedOf(first)}, got ${shown(got)}${more}`,
        { plugin, step: step.name, index, configPath: `steps[${index}].${step.name}`, field: at, value: got },
      );
    }
  }
  if (plugin === undefined) return;
  const bad = nonFinite(value);
  if (bad) {
    const at = formatPath(bad.path);
    throw new DiscernError(
      'PLUGIN_FAILED',
      `${pluginStepName(plugin, step.name, index)} returned ${String(bad.value)} at ${at || '(the result)'}: metrics.json is JSON, which has no NaN or Infinity; return a finite number (or null, where the result schema allows it)`,
      { plugin, step: step.name, index, configPath: `steps[${index}].${step.name}`, field: at, value: String(bad.value) },
    );
  }
}

/**
 * Runs a pipeline: validated config → datasets → steps → artifacts. Everything is written into a temporary sibling
 * folder that replaces the run folder only when the whole run succeeded, so an interrupted or failed run leaves the
 * previous run intact and no partial artifact behind.
 */
export async function runPipeline(file: string, options: RunOptions = {}): Promise<RunResult> {
  const prepared = options.prepared ?? (await prepareConfig(file, options));
  const { config, registry, plugins } = prepared;
  const out = resolve(options.outDir ?? join('runs', config.name));
  checkOutDir(out, options.force ?? false, inputsOf(prepared));
  try {
    mkdirSync(dirname(out), { recursive: true });
  } catch (e) {
    throw ioError(e, dirname(out), 'create the folder');
  }
  const log = options.log ?? (() => {});
  removeStaleTemporaries(dirname(out), log, options.onStaleRemoved);
  const tmp = runFolderSibling(out, 'partial');
  try {
    mkdirSync(tmp);
  } catch (e) {
    throw ioError(e, out, 'create the run folder');
  }
  trackTemporary(tmp);
  options.onTemporary?.(tmp);
  try {
    const artifacts = new ArtifactWriter(tmp);
    const ctx = new RunContext(config, artifacts, log, options.progress, { ...(options.signal ? { signal: options.signal } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}) });
    const t0 = performance.now();
    const data = await loadData(config, {
      ...(options.stream !== undefined ? { stream: options.stream } : {}),
      ...(options.streamBatch !== undefined ? { batchSize: options.streamBatch } : {}),
    });
    ctx.setDataset('train', data.train);
    ctx.setDataset('test', data.test);
    log(`data: ${data.description}`);
    const timings: StepTiming[] = [{ index: -1, step: 'data', ms: performance.now() - t0 }];
    const metrics: JsonMap = {};
    const figures = new Map<string, FigureKind>();
    const outcomes: StepOutcome[] = [];
    for (const entry of config.steps) {
      const step = registry.get(entry.name)!;
      // a local plugin's failures are its own (coded, naming the plugin); a built-in step's are discern's
      const origin = registry.origin(entry.name);
      const plugin = origin !== undefined && origin !== 'built-in' ? origin : undefined;
      throwIfCancelled(options.signal, `the run before step ${entry.index + 1} (${entry.name})`);
      ctx.step = { index: entry.index, name: entry.name };
      options.onStep?.(ctx.step);
      const ts = performance.now();
      let result: unknown;
      try {
        result = await step.run(ctx, entry.params);
      } catch (e) {
        // A step failure names its step already; so does an error whose message names a key of this step (a config
        // error, a fit's option). An error that only carries the step's path in its context (a library's error
        // renamed in the user's terms) still needs the step said.
        if (isDiscernError(e) && e.code !== 'STEP_FAILED' && e.code !== 'INTERRUPTED' && !e.message.includes(`steps[${entry.index}]`))
          throw e.prefixed(`step ${entry.index + 1} (${entry.name}, at steps[${entry.index}].${entry.name}): `, { step: entry.name, index: entry.index });
        if (plugin !== undefined && !isDiscernError(e)) {
          const what = e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : `threw ${shown(e)}`;
          throw new DiscernError('PLUGIN_FAILED', `${pluginStepName(plugin, entry.name, entry.index)} failed: ${what}`, { plugin, step: entry.name, index: entry.index, configPath: `steps[${entry.index}].${entry.name}` }, { cause: e });
        }
        throw e;
      }
      if (result !== undefined) {
        checkResult(step, result, entry.index, plugin);
        const key = resultKey(step, entry.params);
        if (hasAt(metrics, key))
          throw new DiscernError('CONFIG_INVALID', `step ${entry.index + 1} (${entry.name}): metrics.json → ${key.join(' → ')} holds the result of an earlier step already; give this step another name`, { step: entry.name, index: entry.index });
        setAt(metrics, key, result);
        for (const [k, v] of figureKinds(step.result, result, key)) figures.set(k, v);
      }
      // the report of the step sees the datasets as the step left them, whatever later steps replace
      outcomes.push({ step, params: entry.params, result, index: entry.index, view: ctx.view() });
      timings.push({ index: entry.index, step: entry.name, ms: performance.now() - ts });
    }
    artifacts.writeJson('metrics.json', metrics);
    throwIfCancelled(options.signal, 'the run while writing the report');
    await writeReport(ctx, { out, data, timings, outcomes });
    const manifest = {
      format: 'discern-run',
      version: 1,
      name: config.name,
      createdAt: new Date().toISOString(),
      seed: config.seed,
      config: { file: config.file, sha256: config.hash, overrides: config.overrides, values: config.raw },
      data: {
        description: data.description,
        files: data.files,
        train: { rows: data.train.rows, classes: data.train.classNames },
        test: { rows: data.test.rows },
        ...(config.data.define ? { define: config.data.define } : {}),
        ...(config.data.cut !== undefined ? { cut: config.data.cut } : {}),
        // events per sample (or per role): read, after the cuts, train, test, and their sums of weights
        cutflow: data.cutflow,
      },
      plugins,
      versions: environmentVersions(),
      timings: timings.map((t) => ({ ...t, ms: Math.round(t.ms * 1000) / 1000 })),
      // What each figure of metrics.json is (rate, count, value, label): the lockfile's tolerances follow it.
      figures: Object.fromEntries(figures),
      artifacts: artifacts.list(),
    };
    // The manifest lists every artifact but itself.
    artifacts.writeJson(MANIFEST, manifest);
    // A signal that arrived while a step kept the CPU busy is handled on the next turn of the event loop: take that
    // turn here, so an interrupted run is never moved into place.
    await new Promise((r) => setImmediate(r));
    throwIfCancelled(options.signal, 'the run before it was moved into place');
    // Move into place: the old run stays whole until the new one is complete.
    const old = existsSync(out) ? runFolderSibling(out, 'old') : undefined;
    if (old) renameSync(out, old);
    renameSync(tmp, out);
    untrackTemporary(tmp);
    if (old) rmSync(old, { recursive: true, force: true });
    return { outDir: out, config, metrics, manifest, summary: ctx.summary };
  } catch (e) {
    // The temporary folder is removed below: an error must not name a file inside it, but the run folder it was for.
    if (e instanceof Error && e.message.includes(tmp)) {
      const message = e.message.split(tmp).join(out);
      if (isDiscernError(e)) {
        const moved = new DiscernError(e.code, message, e.context, { cause: e });
        moved.stack = e.stack;
        throw moved;
      }
      e.message = message;
    }
    throw e;
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { recursive: true, force: true });
    untrackTemporary(tmp);
  }
}
