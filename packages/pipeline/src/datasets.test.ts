import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@discern/linalg';
import { type DiscernError, isDiscernError } from '@discern/core';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runPipeline } from './engine.js';
import { StreamedDataset } from './datasets.js';
import { defineStep } from './step.js';
import { createRegistry } from './steps/index.js';

/**
 * A run with train and test files streams the test file: read once to check it (keeping labels and weights), then
 * in batches when scored. These runs compare it with the same run reading the test file whole (stream: false),
 * artifact by artifact, on batches of a few rows so that every figure crosses batch boundaries.
 */

/** Two classes in x1, x2 (signal shifted), a categorical colour, weights (some negative unless `fit`), a few tied scores. */
function weightedCsv(n: number, seed: number, fit = false): string {
  const rng = createRng(seed);
  const lines = ['x1,x2,colour,w,label'];
  for (let i = 0; i < n; i++) {
    const s = rng.uniform() < 0.4;
    const m = s ? 1 : 0;
    const x1 = i % 9 === 0 ? '0.5' : (m + rng.normal()).toFixed(4); // repeated values: tied scores
    lines.push(`${x1},${(m / 2 + rng.normal()).toFixed(4)},${['red', 'green', 'blue'][i % 3]},${(rng.uniform() * 2 + (fit ? 0.05 : -0.2)).toFixed(3)},${s ? 'sig' : 'bkg'}`);
  }
  return `${lines.join('\n')}\n`;
}

function threeClassCsv(n: number, seed: number): string {
  const rng = createRng(seed);
  const lines = ['x1,x2,label'];
  for (let i = 0; i < n; i++) for (const [c, m] of [['a', 0], ['b', 1.5], ['c', 3]] as const) lines.push(`${(rng.normal() + m).toFixed(5)},${rng.normal().toFixed(5)},${c}`);
  return `${lines.join('\n')}\n`;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'discern-streamed-'));
  dirs.push(d);
  return d;
}

interface Runs {
  dir: string;
  streamed: string;
  whole: string;
}

/** Runs the config twice, test file streamed (3 rows per batch) and read whole; returns the two run folders. */
async function bothWays(config: string, files: Record<string, string>, registry = createRegistry()): Promise<Runs> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'c.yaml'), config);
  const streamed = join(dir, 'streamed'), whole = join(dir, 'whole');
  await runPipeline(join(dir, 'c.yaml'), { outDir: streamed, streamBatch: 3, registry });
  await runPipeline(join(dir, 'c.yaml'), { outDir: whole, stream: false, registry });
  return { dir, streamed, whole };
}

/** The artifacts the lockfile hashes (metrics, models, score files), as bytes by path. */
function lockedArtifacts(run: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(run, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (p === 'metrics.json' || /^(models\/.*\.json|scores\/.*\.csv)$/.test(p)) out[p] = readFileSync(join(run, p), 'latin1');
    }
  };
  walk('');
  return out;
}

async function runError(config: string, files: Record<string, string>, registry = createRegistry()): Promise<{ error: DiscernError; dir: string }> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'c.yaml'), config);
  try {
    await runPipeline(join(dir, 'c.yaml'), { outDir: join(dir, 'run'), streamBatch: 3, registry });
  } catch (e) {
    if (isDiscernError(e)) return { error: e, dir };
    throw e;
  }
  throw new Error('expected the run to fail');
}

/** A test step that records whether the test dataset is still streamed (not read whole) when it runs. */
const probeStep = defineStep({
  name: 'probe-streamed',
  description: 'test: records whether `test` is still streamed',
  params: z.strictObject({}),
  result: z.strictObject({ test_streamed: z.boolean() }),
  run(ctx) {
    const test = ctx.dataset('test');
    return { test_streamed: test instanceof StreamedDataset && !test.readWhole };
  },
});

describe('a streamed test file gives the artifacts of the whole-file read, bit for bit', () => {
  it('binary, weighted, standardised: evaluate (every figure), predict, decide by posteriors and by a feature', async () => {
    const registry = createRegistry();
    registry.register(probeStep);
    const r = await bothWays(
      `name: s
seed: 3
data: { train: a.csv, test: b.csv, label: label, positive: sig, weight: w, categorical: onehot }
steps:
  - standardize: {}
  - fit: { model: logistic }
  - evaluate: { fpr: [0.1, 0.3], signal_efficiency: [0.5, 0.8], background_efficiency: [0.1], significance: { signal_scale: 0.5, background_scale: 2 } }
  - predict: { on: [test, train] }
  - decide: { rule: neyman-pearson, alpha: 0.2 }
  - decide: { rule: bayes-risk, name: risk, cost: [[0, 1], [5, 0]] }
  - decide: { rule: threshold, name: cut, threshold: 0.4, score: { feature: x1 } }
  - probe-streamed: {}
report: { plots: true, png: false }
`,
      { 'a.csv': weightedCsv(300, 1, true), 'b.csv': weightedCsv(200, 2, true) },
      registry,
    );
    const s = lockedArtifacts(r.streamed), w = lockedArtifacts(r.whole);
    expect(Object.keys(s).sort()).toEqual(['metrics.json', 'models/model.json', 'scores/model-test.csv', 'scores/model-train.csv']);
    const { 'probe-streamed': ps, ...streamedMetrics } = JSON.parse(s['metrics.json']!) as Record<string, unknown>;
    const { 'probe-streamed': pw, ...wholeMetrics } = JSON.parse(w['metrics.json']!) as Record<string, unknown>;
    expect(streamedMetrics).toEqual(wholeMetrics);
    expect(JSON.stringify(streamedMetrics)).toBe(JSON.stringify(wholeMetrics)); // same numbers to the last digit, same key order
    for (const f of ['models/model.json', 'scores/model-test.csv', 'scores/model-train.csv']) expect(s[f], f).toBe(w[f]);
    // evaluate, predict and decide worked from labels and scores: the test file was never read whole
    expect(ps).toEqual({ test_streamed: true });
    expect(pw).toEqual({ test_streamed: false });
    const m = wholeMetrics as { model: { test: { n: number; weighted: boolean; overtraining: unknown; physics: { significance: unknown } } } };
    expect(m.model.test.n).toBe(200);
    expect(m.model.test.weighted).toBe(true);
    expect(m.model.test.overtraining).toBeDefined();
    expect(m.model.test.physics.significance).toBeDefined();
    // the report's plots of the streamed run are those of the whole read
    for (const f of ['roc-model-test.svg', 'scores-model-test.svg']) expect(readFileSync(join(r.streamed, 'plots', f), 'utf8'), f).toBe(readFileSync(join(r.whole, 'plots', f), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(r.streamed, 'manifest.json'), 'utf8')) as { data: { test: { rows: number }; files: { role: string; rows: number }[] } };
    expect(manifest.data.test.rows).toBe(200);
    expect(manifest.data.files.find((f) => f.role === 'test')!.rows).toBe(200);
  });

  it('three classes, and steps that need the features (clusters, gaussian classes) read the streamed file whole', async () => {
    const r = await bothWays(
      `name: k
seed: 4
data: { train: a.csv, test: b.csv, label: label }
steps:
  - standardize: {}
  - fit: { model: mlp, hidden_layers: [5], epochs: 30 }
  - evaluate: {}
  - predict: {}
  - decide: { rule: map }
  - fit: { model: gmm, name: mix, n_components: 3 }
  - evaluate: { model: mix, on: [test] }
report: { plots: false }
`,
      { 'a.csv': threeClassCsv(60, 5), 'b.csv': threeClassCsv(40, 6) },
    );
    expect(lockedArtifacts(r.streamed)).toEqual(lockedArtifacts(r.whole));
    const m = JSON.parse(readFileSync(join(r.streamed, 'metrics.json'), 'utf8')) as { model: { test: { n_classes: number } }; mix: { test: { n: number } } };
    expect(m.model.test.n_classes).toBe(3);
    expect(m.mix.test.n).toBe(120);
  });
});

describe('errors in a streamed test file', () => {
  const config = `name: e
seed: 1
data: { train: a.csv, test: b.csv, label: label, positive: sig, weight: w, categorical: onehot }
steps:
  - fit: { model: logistic }
  - evaluate: {}
`;

  it('a bad cell mid-file is DATA_INVALID naming file, line and column, found before any step runs; no run folder is left', async () => {
    const lines = weightedCsv(40, 2).split('\n');
    lines[27] = lines[27]!.replace(/^[^,]+/, '0.o5'); // line 28 of the file: x1
    const { error, dir } = await runError(config, { 'a.csv': weightedCsv(50, 1, true), 'b.csv': lines.join('\n') });
    expect(error.code).toBe('DATA_INVALID');
    expect(error.message).toContain(`b.csv line 28, column 'x1': "0.o5" is not a number`);
    expect(error.message).not.toMatch(/^step/); // reported while loading the data, not by a step
    expect(error.context).toMatchObject({ line: 28, column: 'x1', value: '0.o5' });
    expect(String(error.context.file)).toMatch(/b\.csv$/);
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'b.csv', 'c.yaml']);
  });

  it('a missing test file is FILE_NOT_FOUND naming it', async () => {
    const { error } = await runError(config, { 'a.csv': weightedCsv(50, 1, true) });
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toMatch(/b\.csv/);
  });

  it('a label not among the training classes, mid-file, is LABEL_INVALID with its line', async () => {
    const lines = weightedCsv(40, 2).split('\n');
    lines[30] = lines[30]!.replace(/sig$|bkg$/, 'other');
    const { error } = await runError(config, { 'a.csv': weightedCsv(50, 1, true), 'b.csv': lines.join('\n') });
    expect(error.code).toBe('LABEL_INVALID');
    expect(error.message).toContain('b.csv line 31: label "other" in column \'label\'');
  });

  it('a file that changes between its check and its scoring is DATA_INVALID, and the run leaves nothing', async () => {
    const registry = createRegistry();
    registry.register(
      defineStep({
        name: 'touch-test',
        description: 'test: appends a row to the test file',
        params: z.strictObject({}),
        run(ctx) {
          appendFileSync(join(ctx.config.dir, 'b.csv'), '0.1,0.2,red,1,sig\n');
        },
      }),
    );
    const { error, dir } = await runError(config.replace('  - evaluate: {}', '  - touch-test: {}\n  - evaluate: {}'), { 'a.csv': weightedCsv(50, 1, true), 'b.csv': weightedCsv(20, 2) }, registry);
    expect(error.code).toBe('DATA_INVALID');
    expect(error.message).toMatch(/b\.csv: the file changed while the run was reading it/);
    expect(error.message).toMatch(/^step 3 \(evaluate/);
    expect(readdirSync(dir).sort()).toEqual(['a.csv', 'b.csv', 'c.yaml']);
  });
});
