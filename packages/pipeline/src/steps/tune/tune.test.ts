import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SyncWorkerPool } from '@discern/core';
import { createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../engine.js';
import { runError, threeClassCsv, twoClassCsv } from '../steps.test-helpers.js';
import { TUNE_WORKER } from './candidates.js';
import { drawPoint, gridPoints } from './search.js';

/** Runs one config in a fresh folder with a given number of threads; returns the run folder. */
async function run(yaml: string, threads: number, files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'discern-tune-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'c.yaml'), `${yaml.trimEnd()}\nreport: { plots: false }\n`);
  await runPipeline(join(dir, 'c.yaml'), { outDir: join(dir, 'run'), threads });
  return join(dir, 'run');
}

const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
const files = { 'd.csv': twoClassCsv(150, 3) };
const head = 'name: t\nseed: 11\ndata: { source: d.csv, label: label, positive: s, split: { test: 0.3 } }\nsteps:\n  - standardize: {}\n';

describe('candidates of a search', () => {
  it('a grid is every combination, the last key fastest', () => {
    expect(gridPoints({ a: [1, 2], b: ['x', 'y', 'z'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 1, b: 'z' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
      { a: 2, b: 'z' },
    ]);
  });

  it('random draws stay in their ranges: log-uniform (equal counts per decade), whole numbers with both ends, choices', () => {
    const rng = createRng(3);
    const draws = Array.from({ length: 4000 }, () => drawPoint({ l2: { low: 1e-5, high: 1e-1, log: true, integer: false }, n: { low: 2, high: 5, log: false, integer: true }, act: ['relu', 'tanh'] }, rng));
    const decades = [0, 0, 0, 0];
    for (const d of draws) {
      const l2 = d.l2 as number;
      expect(l2 >= 1e-5 && l2 <= 1e-1).toBe(true);
      decades[Math.min(3, Math.floor(Math.log10(l2) + 5))]!++;
      expect([2, 3, 4, 5]).toContain(d.n);
      expect(['relu', 'tanh']).toContain(d.act);
    }
    // 1000 per decade expected; ±5 binomial standard deviations (√(4000·¼·¾) ≈ 27)
    for (const c of decades) expect(Math.abs(c - 1000)).toBeLessThan(140);
    for (const v of [2, 5]) expect(draws.filter((d) => d.n === v).length).toBeGreaterThan(800);
  });
});

describe('the tune step', () => {
  const grid = `${head}  - tune: { model: mlp, hidden_layers: [4], epochs: 25, folds: 3, name: best, signal_efficiency: 0.5, grid: { l2: [0.0001, 0.1, 3.0], learning_rate_init: [0.002, 0.02] } }
  - evaluate: { model: best, on: [test] }
`;

  it('a grid gives the same table and the same best candidate on 1 and 2 threads, the second thread used', async () => {
    const before = SyncWorkerPool.shared(TUNE_WORKER, 1)?.tasksOnWorkers ?? 0;
    const one = await run(grid, 1, files);
    const two = await run(grid, 2, files);
    const pool = SyncWorkerPool.shared(TUNE_WORKER, 1);
    // the candidates of the second thread ran on a worker
    expect(pool).toBeDefined();
    expect(pool!.tasksOnWorkers).toBeGreaterThan(before);
    expect(read(two, 'metrics.json')).toBe(read(one, 'metrics.json'));
    expect(read(two, 'models/best.json')).toBe(read(one, 'models/best.json'));
    const t = JSON.parse(read(one, 'metrics.json')).tune.best;
    expect(t.candidates).toHaveLength(6);
    expect(t.candidates.map((c: { params: unknown }) => c.params)).toEqual(gridPoints({ l2: [0.0001, 0.1, 3.0], learning_rate_init: [0.002, 0.02] }));
    // the best has the highest mean AUC over the folds; a tie goes to the first
    const aucs = t.candidates.map((c: { auc: { mean: number } }) => c.auc.mean) as number[];
    expect(t.best.index).toBe(aucs.indexOf(Math.max(...aucs)));
    expect(t.best.mean).toBe(Math.max(...aucs));
    expect(t.candidates[0].background_rejection.mean).toBeGreaterThan(0);
    // the fit times are in the report, not in metrics.json
    expect(read(one, 'metrics.json')).not.toMatch(/second|time/);
  }, 120_000);

  it('the refitted best equals, bit for bit, a fit step with its values at the same place in the config', async () => {
    const tuned = await run(grid, 2, files);
    const t = JSON.parse(read(tuned, 'metrics.json')).tune.best;
    const { l2, learning_rate_init } = t.best.params as { l2: number; learning_rate_init: number };
    const fitted = await run(`${head}  - fit: { model: mlp, hidden_layers: [4], epochs: 25, name: best, l2: ${l2}, learning_rate_init: ${learning_rate_init} }\n  - evaluate: { model: best, on: [test] }\n`, 1, files);
    expect(read(tuned, 'models/best.json')).toBe(read(fitted, 'models/best.json'));
    expect(JSON.parse(read(tuned, 'metrics.json')).best).toEqual(JSON.parse(read(fitted, 'metrics.json')).best);
  }, 120_000);

  it('a random search is seeded: the same candidates and figures on 1 and 2 threads; log loss picks the lowest', async () => {
    const yaml = `${head}  - tune: { model: logistic, folds: 4, metric: log_loss, n_trials: 5, name: lr, ranges: { l2: { low: 0.00001, high: 1, log: true }, solver: [lbfgs, gd] } }\n`;
    const a = await run(yaml, 1, files);
    const b = await run(yaml, 2, files);
    expect(read(b, 'metrics.json')).toBe(read(a, 'metrics.json'));
    const t = JSON.parse(read(a, 'metrics.json')).tune.lr;
    expect(t.search).toBe('random');
    expect(t.candidates).toHaveLength(5);
    for (const c of t.candidates) {
      expect(c.params.l2 >= 1e-5 && c.params.l2 <= 1).toBe(true);
      expect(['lbfgs', 'gd']).toContain(c.params.solver);
    }
    const losses = t.candidates.map((c: { log_loss: { mean: number } }) => c.log_loss.mean) as number[];
    expect(t.best.mean).toBe(Math.min(...losses));
    // another seed draws other candidates
    const c = await run(yaml.replace('seed: 11', 'seed: 12'), 1, files);
    expect(JSON.parse(read(c, 'metrics.json')).tune.lr.candidates[0].params).not.toEqual(t.candidates[0].params);
  }, 120_000);

  it('says what is wrong with a search where it is written', async () => {
    const err = async (step: string) => (await runError(`${head}${step}`, files)).message;
    expect(await err('  - tune: { model: mlp, grid: { l2: [0.1] }, ranges: { l2: [0.1] }, n_trials: 2 }')).toMatch(/give the search: grid .* or ranges with n_trials .*one of them → at steps\[1\]\.tune/);
    expect(await err('  - tune: { model: mlp, grid: { learning_rat: [0.1] } }')).toMatch(/"learning_rat" is not an option of mlp \(did you mean "learning_rate"\?\); its options: hidden_layers, .* → at steps\[1\]\.tune\.grid\.learning_rat/);
    expect(await err('  - tune: { model: mlp, grid: { l2: [0.1, -1] } }')).toMatch(/→ at steps\[1\]\.tune\.grid\.l2\[1\]/);
    expect(await err('  - tune: { model: logistic, ranges: { l2: { low: 1, high: 0.1 } }, n_trials: 3 }')).toMatch(/low \(1\) must be below high \(0\.1\) → at steps\[1\]\.tune\.ranges\.l2/);
    expect(await err('  - tune: { model: logistic, ranges: { l2: { low: 0, high: 1, log: true } }, n_trials: 3 }')).toMatch(/a log-uniform range needs low > 0/);
    expect(await err('  - tune: { model: logistic, ranges: { l2: [0.1] } }')).toMatch(/a random search needs n_trials/);
    expect(await err('  - tune: { model: logistic, grid: { l2: [0.1] }, metric: background_rejection }')).toMatch(/give signal_efficiency .* → at steps\[1\]\.tune\.signal_efficiency/);
    expect(await err('  - tune: { model: logistic, ranges: { solver: [lbfgs, newton] }, n_trials: 8 }')).toMatch(/solver takes "lbfgs" or "gd", got "newton" → at steps\[1\]\.tune\.ranges\.solver\[1\]/);
    // a drawn value the family refuses (a whole number expected) is named at its range, with the candidate
    expect(await err('  - tune: { model: logistic, solver: gd, ranges: { epochs: { low: 10, high: 20 } }, n_trials: 2 }')).toMatch(/epochs takes whole numbers: add integer: true to its range \(\{ low: 10, high: 20, integer: true \}\) → at steps\[1\]\.tune\.ranges\.epochs \(c\.yaml:6:\d+\)/);
  }, 60_000);
});

describe('tune errors that need the data', () => {
  it('background_rejection on three classes is refused before any candidate is fitted', async () => {
    const e = await runError(
      'name: t\nseed: 1\ndata: { source: d.csv, label: label }\nsteps:\n  - tune: { model: logistic, folds: 3, metric: background_rejection, signal_efficiency: 0.5, grid: { l2: [0.1, 1] } }\n',
      { 'd.csv': threeClassCsv(30) },
    );
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^steps\[0\]\.tune\.metric: background_rejection .* is a figure of two classes.*train has 3 classes \("a", "b", "c"\): choose metric auc or log_loss \(c\.yaml:5:\d+\)/);
  });

  it("a candidate's fit error names the grid value, not the step's key", async () => {
    const e = await runError(`${head}  - tune: { model: bdt, n_estimators: 5, folds: 3, early_stopping: true, grid: { validation_fraction: [0.001, 0.2] } }\n`, files);
    expect(e.code).toBe('TOO_FEW_SAMPLES');
    expect(e.message).toMatch(/steps\[1\]\.tune\.grid\.validation_fraction\[0\] 0\.001 leaves no validation rows/);
    expect(e.message).not.toMatch(/steps\[\d\]\.tune\.validation_fraction/);
  });
});
