/**
 * The worker thread of `discern run` (started by run-host.ts): it runs the pipeline, so that a fit that never yields
 * leaves the main thread free to receive Ctrl-C. It tells the main thread everything the main thread prints or must
 * clean up (the plan, the temporary folder, each step, log lines, progress, the result or the error), as messages.
 * Cancellation arrives through the shared CancelFlag, which every long loop of a fit checks; a loop that never checks
 * it (a plugin step) is stopped by the main thread with worker.terminate().
 */
import { join, resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { CancelFlag, assertNotInput } from '@discern/core';
import { overridesFrom } from './overrides.js';
import { toPlainError } from './output.js';
import { checkRunFolder } from './paths.js';
import { type ProgressMessage, type WorkerData, type WorkerMessage } from './run-protocol.js';

// Loaded on demand everywhere in the runner, so that the main thread never loads it for `run` (this thread does).
const { inputsOf, prepareConfig, runPipeline } = await import('@discern/pipeline');

const port = parentPort!;
const post = (m: WorkerMessage): void => port.postMessage(m);

/** `fit mlp` for a fit step, the step's name otherwise: what an interrupt message says was stopped. */
function stepLabel(name: string, params: unknown): string {
  const model = (params as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? `${name} ${model}` : name;
}

/**
 * Progress events come per epoch, batch or EM iteration, up to thousands a second; the main thread redraws 10 times a
 * second. So the latest event of each phase is sent at most every 50 ms (a new phase at once, so that the order in
 * which phases appear, which the bar depends on, is kept).
 */
class ProgressRelay {
  private pending = new Map<string, ProgressMessage>();
  private last = 0;

  start(label: string): (p: ProgressMessage) => void {
    this.flush();
    post({ t: 'bar', label });
    const seen = new Set<string>();
    return (p) => {
      this.pending.set(p.phase, { phase: p.phase, step: p.step, total: p.total, ...(p.value !== undefined ? { value: p.value } : {}) });
      const now = performance.now();
      if (!seen.has(p.phase) || now - this.last >= 50) {
        seen.add(p.phase);
        this.flush();
      }
    };
  }

  flush(): void {
    if (this.pending.size === 0) return;
    post({ t: 'progress', events: [...this.pending.values()] });
    this.pending.clear();
    this.last = performance.now();
  }
}

async function main(): Promise<void> {
  const { request: r, cancel } = workerData as WorkerData;
  const overrides = await overridesFrom(r.sets);
  // Everything is checked before the run starts: the config (and its plugins), and that the run folder is not where
  // an input lives, --force or not.
  const prepared = await prepareConfig(r.config, { overrides });
  const out = resolve(r.outDir ?? join('runs', prepared.config.name));
  assertNotInput({ path: out, what: r.outDir !== undefined ? '--out' : 'the run folder', kind: 'folder' }, inputsOf(prepared));
  checkRunFolder(out, r.outDir !== undefined ? '--out' : 'the run folder');
  post({ t: 'plan', out, steps: prepared.config.steps.map((s) => stepLabel(s.name, s.params)) });

  const relay = new ProgressRelay();
  const result = await runPipeline(r.config, {
    overrides,
    outDir: out,
    force: r.force,
    ...(r.threads !== undefined ? { threads: r.threads } : {}),
    signal: CancelFlag.from(cancel),
    prepared,
    log: (line) => {
      if (r.log) post({ t: 'log', line, notice: false });
    },
    // The engine's log lines are printed with --verbose only; the removal of a dead run's temporary folder is a notice
    // every user sees (they may wonder where it went).
    onStaleRemoved: (path, pid) => post({ t: 'log', line: `removed ${path}: the temporary folder of an earlier run whose process (${pid}) is gone`, notice: true }),
    ...(r.progress ? { progress: (label: string) => relay.start(label) } : {}),
    onTemporary: (path) => post({ t: 'temporary', path }),
    onStep: (s) => post({ t: 'step', index: s.index }),
  });
  relay.flush();
  post({
    t: 'done',
    result: {
      outDir: result.outDir,
      name: result.config.name,
      seed: result.config.seed,
      metrics: result.metrics,
      data: (result.manifest.data as { description: string }).description,
      summary: result.summary,
      files: (result.manifest.artifacts as { path: string }[]).map((a) => a.path),
    },
  });
}

main().catch((e: unknown) => post({ t: 'error', error: toPlainError(e) }));
