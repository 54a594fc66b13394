import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DiscernError, isDiscernError } from '@discern/core';
import { type Progress } from '@discern/models';
import { ArtifactWriter } from './artifacts.js';
import { type PipelineConfig, parseConfig } from './config/load.js';
import { type Override, applyOverrides } from './config/overrides.js';
import { parseYamlConfig } from './config/yaml-source.js';
import { RunContext, type LogFn } from './context.js';
import { loadData, rowsOf } from './data-loader.js';
import { StreamedDataset } from './streamed.js';
import { loadPlugins, pluginPathsOf } from './plugins-loader.js';
import { writeReport } from './report/index.js';
import { type StepRegistry } from './registry.js';
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

/** Reads a config file, loads the plugin modules it names, and validates it against every registered step. */
export async function prepareConfig(file: string, options: PrepareOptions = {}): Promise<PreparedConfig> {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new DiscernError('FILE_NOT_FOUND', `config file not found: ${file}`, { file });
    throw new DiscernError('IO_ERROR', `cannot read config ${file}: ${(e as Error).message}`, { file });
  }
  const registry = (options.registry ?? createRegistry()).clone();
  const overrides = options.overrides ?? [];
  const raw = applyOverrides(parseYamlConfig(text, path).value, overrides);
  const plugins = await loadPlugins(pluginPathsOf(raw), dirname(path), registry);
  return { config: parseConfig(text, path, registry, overrides), registry, plugins };
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

/** A folder we may replace: absent, empty, or holding a previous discern run (its manifest says so). */
function checkOutDir(out: string, force: boolean): void {
  if (!existsSync(out)) return;
  const entries = readdirSync(out);
  if (entries.length === 0 || force) return;
  let isRun = false;
  try {
    isRun = (JSON.parse(readFileSync(join(out, MANIFEST), 'utf8')) as { format?: string }).format === 'discern-run';
  } catch {
    isRun = false;
  }
  if (!isRun)
    throw new DiscernError('OUTPUT_EXISTS', `--out ${out} is not empty and is not a discern run folder; choose another folder or pass --force to replace it`, { out });
}

/** Temporary run folders currently being written, so a signal handler can remove them. */
const liveTemps = new Set<string>();

/** Removes the partial run folders of this process (called on SIGINT/SIGTERM before exit). */
export function cleanupPartialRuns(): void {
  for (const t of liveTemps) rmSync(t, { recursive: true, force: true });
  liveTemps.clear();
}

/**
 * Runs a pipeline: validated config → datasets → steps → artifacts. Everything is written into a temporary sibling
 * folder that replaces the run folder only when the whole run succeeded, so an interrupted or failed run leaves the
 * previous run intact and no partial artifact behind.
 */
export async function runPipeline(file: string, options: RunOptions = {}): Promise<RunResult> {
  const { config, registry, plugins } = await prepareConfig(file, options);
  const out = resolve(options.outDir ?? join('runs', config.name));
  checkOutDir(out, options.force ?? false);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.partial-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(tmp);
  liveTemps.add(tmp);
  try {
    const log = options.log ?? (() => {});
    const artifacts = new ArtifactWriter(tmp);
    const ctx = new RunContext(config, artifacts, log, options.progress);
    const t0 = performance.now();
    const data = await loadData(config, {
      ...(options.stream !== undefined ? { stream: options.stream } : {}),
      ...(options.streamBatch !== undefined ? { batchSize: options.streamBatch } : {}),
    });
    ctx.datasets.set('train', data.train);
    if (data.test instanceof StreamedDataset) ctx.streamed.set('test', data.test);
    else ctx.datasets.set('test', data.test);
    log(`data: ${data.description}`);
    const timings: StepTiming[] = [{ index: -1, step: 'data', ms: performance.now() - t0 }];
    for (const entry of config.steps) {
      const plugin = registry.get(entry.name)!;
      ctx.step = { index: entry.index, name: entry.name };
      const ts = performance.now();
      try {
        await plugin.run(ctx, entry.params);
      } catch (e) {
        if (isDiscernError(e) && e.code !== 'STEP_FAILED') {
          throw new DiscernError(e.code, `step ${entry.index + 1} (${entry.name}, at steps[${entry.index}].${entry.name}): ${e.message}`, { ...e.context, step: entry.name, index: entry.index }, { cause: e });
        }
        throw e;
      }
      timings.push({ index: entry.index, step: entry.name, ms: performance.now() - ts });
    }
    artifacts.writeJson('metrics.json', ctx.metrics);
    await writeReport(ctx, { out, data, timings });
    const manifest = {
      format: 'discern-run',
      version: 1,
      name: config.name,
      createdAt: new Date().toISOString(),
      seed: config.seed,
      config: { file: config.file, sha256: config.hash, overrides: config.overrides, values: config.raw },
      data: { description: data.description, files: data.files, train: { rows: data.train.X.rows, classes: data.train.classNames }, test: { rows: rowsOf(data.test) } },
      plugins,
      versions: environmentVersions(),
      timings: timings.map((t) => ({ ...t, ms: Math.round(t.ms * 1000) / 1000 })),
      artifacts: artifacts.list(),
    };
    // The manifest lists every artifact but itself.
    artifacts.writeJson(MANIFEST, manifest);
    // A signal that arrived while a step kept the CPU busy is handled on the next turn of the event loop: take that
    // turn here, so an interrupted run is never moved into place.
    await new Promise((r) => setImmediate(r));
    // Move into place: the old run stays whole until the new one is complete.
    const old = existsSync(out) ? join(dirname(out), `.${basename(out)}.old-${process.pid}-${Date.now().toString(36)}`) : undefined;
    if (old) renameSync(out, old);
    renameSync(tmp, out);
    liveTemps.delete(tmp);
    if (old) rmSync(old, { recursive: true, force: true });
    return { outDir: out, config, metrics: ctx.metrics, manifest, summary: ctx.summary };
  } finally {
    if (liveTemps.has(tmp)) {
      rmSync(tmp, { recursive: true, force: true });
      liveTemps.delete(tmp);
    }
  }
}
