import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { correlationMatrix, separation } from '@discern/metrics';
import { describe, expect, it } from 'vitest';
import { runConfig, runError, threeClassCsv, twoClassCsv } from '../steps.test-helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONFIG = (steps: string) => `name: i
seed: 2
data:
  source: d.csv
  label: label
  positive: s
  split: none
steps:
${steps}`;

const csv = twoClassCsv(400, 8, 1.5);
const files = { 'd.csv': csv };

/** The file's columns read independently of the run: x1, x2 and the class of each row. */
function columns(): { x1: number[]; x2: number[]; y: number[] } {
  const rows = csv.trim().split('\n').slice(1).map((l) => l.split(','));
  return { x1: rows.map((r) => Number(r[0])), x2: rows.map((r) => Number(r[1])), y: rows.map((r) => (r[2] === 's' ? 1 : 0)) };
}

describe('inspect: input variables before fitting', () => {
  it("ranks by TMVA's separation, computed on the file's values, and gives each class's correlations", async () => {
    const r = await runConfig(CONFIG('  - inspect: { on: train, bins: 30 }\n'), files);
    const m = (r.metrics.inspect as Json).train;
    const { x1, x2, y } = columns();
    expect(m.ranking).toEqual(['x1', 'x2']);
    expect(m.signal).toBe('s');
    expect(m.features.x1.rank).toBe(1);
    expect(m.features.x1.separation).toBeCloseTo(separation(x1, y, { bins: 30 }).separation, 14);
    expect(m.features.x2.separation).toBeCloseTo(separation(x2, y, { bins: 30 }).separation, 14);
    // x1 is shifted by 1.5 for s, x2 is noise: a clear separation and almost none
    expect(m.features.x1.separation).toBeGreaterThan(0.2);
    expect(m.features.x2.separation).toBeLessThan(0.05);
    expect(m.features.x1.range).toEqual([Math.min(...x1), Math.max(...x1)]);
    const sig = y.map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0);
    const X = { rows: y.length, cols: 2, data: Float64Array.from(x1.flatMap((v, i) => [v, x2[i]!])) };
    const c = correlationMatrix(X, { rows: sig });
    expect(m.correlation.s[0][1]).toBeCloseTo(c.matrix[1]!, 14);
    expect(m.correlation.s[0][0]).toBe(1);
    expect(m.features.x1.mean.s).toBeCloseTo(c.mean[0]!, 14);
    expect(m.features.x1.std.s).toBeCloseTo(c.std[0]!, 14);
    expect(r.summary.some((l) => l.startsWith('inspect train: 2 variables ranked by separation ⟨S²⟩ (s against b): x1 '))).toBe(true);
  });

  it('after a standardize step: the same figures, in raw units', async () => {
    const before = (await runConfig(CONFIG('  - inspect: { on: train }\n'), files)).metrics.inspect as Json;
    const after = (await runConfig(CONFIG('  - standardize: {}\n  - inspect: { on: train }\n'), files)).metrics.inspect as Json;
    const a = before.train.features.x1, b = after.train.features.x1;
    expect(b.separation).toBeCloseTo(a.separation, 12);
    expect(b.range[0]).toBeCloseTo(a.range[0], 12);
    expect(b.mean.s).toBeCloseTo(a.mean.s, 12);
    expect(after.train.correlation.b[0][1]).toBeCloseTo(before.train.correlation.b[0][1], 12);
  });

  it('a variable of few whole-number values gets one bin per value, centred on it', async () => {
    const rows = ['k,x,label'];
    for (let i = 0; i < 300; i++) rows.push(`${i % 4},${(i * 0.37) % 1},b`, `${2 + (i % 4)},${(i * 0.53) % 1},s`);
    const r = await runConfig(CONFIG('  - inspect: { bins: 10 }\n'), { 'd.csv': `${rows.join('\n')}\n` });
    const k = (r.metrics.inspect as Json).train.features.k;
    expect(k.bins).toBe(6);
    expect(k.range).toEqual([-0.5, 5.5]);
    const y = Array.from({ length: 600 }, (_, i) => i % 2);
    const v = Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) % 4 : 2 + (Math.floor(i / 2) % 4)));
    // b uniform on 0..3, s on 2..5: ŷ = ¼ on the shared values 2, 3 → ½·(4·(¼)²/¼) = ½
    expect(k.separation).toBeCloseTo(0.5, 14);
    expect(separation(v, y, { bins: 6, range: [-0.5, 5.5] }).separation).toBeCloseTo(0.5, 14);
    expect((r.metrics.inspect as Json).train.features.x.bins).toBe(10);
  });

  it('three classes: distributions and correlations, no separation, said why', async () => {
    const r = await runConfig('name: i\nseed: 1\ndata: { source: d.csv, label: label, split: none }\nsteps:\n  - inspect: {}\n', { 'd.csv': threeClassCsv(50) });
    const m = (r.metrics.inspect as Json).train;
    expect(m.signal).toBeNull();
    expect(m.features.x1.separation).toBeNull();
    expect(m.ranking).toEqual(['x1', 'x2']);
    expect(Object.keys(m.correlation)).toEqual(['a', 'b', 'c']);
    expect(m.undefined_reasons.separation).toMatch(/the data have 3 classes/);
  });

  it('draws the grid, the ranking and one heat map per class in an Inputs section that comes first', async () => {
    const r = await runConfig(CONFIG('  - fit: { model: logistic }\n  - evaluate: { on: [test] }\n  - inspect: { on: train, features: [x2, x1], plot: 1 }\n'), files, { plots: true });
    for (const f of ['inputs-train', 'separation-train', 'correlation-train-s', 'correlation-train-b']) expect(existsSync(join(r.outDir, 'plots', `${f}.png`)), f).toBe(true);
    const html = readFileSync(join(r.outDir, 'report.html'), 'utf8');
    expect(html.indexOf('>Inputs<')).toBeGreaterThan(0);
    expect(html.indexOf('>Inputs<')).toBeLessThan(html.indexOf('Classifier performance'));
    expect(html).toContain('the first 1 of 2 by separation, all in the table');
    // the features asked for, in that order, as the correlation matrix's rows
    expect(Object.keys(((r.metrics.inspect as Json).train).features)).toEqual(['x2', 'x1']);
  });

  it('names an unknown feature with its config key and the features there are', async () => {
    const e = await runError(CONFIG('  - inspect: { features: [x1, x3] }\n'), files);
    expect(e.message).toMatch(/^steps\[0\]\.inspect\.features\[1\]: is "x3", not a feature of the data; the features are "x1", "x2" \(c\.yaml:\d+:\d+\)$/);
  });
});
