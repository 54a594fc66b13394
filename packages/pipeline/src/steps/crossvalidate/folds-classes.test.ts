import { describe, expect, it } from 'vitest';
import { foldStat } from './cv.js';
import { runConfig, runError } from '../steps.test-helpers.js';

// Folds and classes: stratified folds cannot be more than the events of the smallest class; folds of a fold
// expression that hold one class only have no AUC, are left out of its mean and counted; intervals of rates stay in [0, 1].

/** 44 events, 4 of class h (x1 shifted), the rest g; EventNumber = row. */
function tiny(): string {
  const lines = ['EventNumber,x1,x2,class'];
  for (let i = 0; i < 44; i++) lines.push(`${i},${((i * 37) % 11) / 11 + (i < 4 ? 1 : 0)},${((i * 13) % 7) / 7},${i < 4 ? 'h' : 'g'}`);
  return `${lines.join('\n')}\n`;
}

const head = 'name: t\nseed: 1\ndata:\n  source: d.csv\n  label: class\n  positive: h\n  split: none\nsteps:\n';

describe('stratified folds and the smallest class', () => {
  it('crossvalidate refuses more folds than class h has events, at its folds key', async () => {
    const e = await runError(`${head}  - crossvalidate: { model: logistic, folds: 10 }\n`, { 'd.csv': tiny() });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^steps\[0\]\.crossvalidate\.folds: 10 stratified folds need at least 10 events of every class, but class "h" has 4 in train/);
    expect(e.message).toContain('use folds: 4 or fewer');
    expect(e.message).toContain('(c.yaml:9:');
  });
  it('tune and calibrate (cv) refuse it the same way', async () => {
    let e = await runError(`${head}  - tune: { model: logistic, folds: 5, grid: { learning_rate: [0.1, 0.2] } }\n`, { 'd.csv': tiny() });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^steps\[0\]\.tune\.folds: 5 stratified folds .* class "h" has 4 in train/);
    e = await runError(`${head}  - fit: { model: logistic }\n  - calibrate: { model: model, cv: 6 }\n`, { 'd.csv': tiny() });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^steps\[1\]\.calibrate\.cv: 6 stratified folds .* class "h" has 4 in train/);
  });
  it('as many folds as the smallest class has events run', async () => {
    const r = await runConfig(`${head}  - crossvalidate: { model: logistic, folds: 4 }\n`, { 'd.csv': tiny() });
    const cv = (r.metrics as { crossvalidate: { cv: { per_fold: { auc: number | null }[]; folds_without_auc?: number } } }).crossvalidate.cv;
    expect(cv.per_fold.every((f) => f.auc !== null)).toBe(true);
    expect(cv.folds_without_auc).toBeUndefined();
  });
});

describe('folds of a fold expression that hold one class', () => {
  it('have no AUC: left out of the mean, counted in folds_without_auc', async () => {
    // class h on EventNumber 0,1,4,5,8,9,12,13: with "EventNumber % 4" folds 0 and 1 hold 4 h each, folds 2 and 3 none
    const lines = ['EventNumber,x1,class'];
    for (let i = 0; i < 40; i++) {
      const h = i < 16 && i % 4 < 2;
      lines.push(`${i},${((i * 37) % 11) / 11 + (h ? 0.8 : 0)},${h ? 'h' : 'g'}`);
    }
    const r = await runConfig(`${head}  - crossvalidate: { model: logistic, folds: 4, fold: "EventNumber % 4" }\n`, { 'd.csv': `${lines.join('\n')}\n` });
    const cv = (r.metrics as { crossvalidate: { cv: { per_fold: { auc: number | null }[]; folds_without_auc?: number; over_folds: { auc: { mean: number } } } } }).crossvalidate.cv;
    expect(cv.per_fold.map((f) => f.auc === null)).toEqual([false, false, true, true]);
    expect(cv.folds_without_auc).toBe(2);
    expect(cv.over_folds.auc.mean).toBeCloseTo((cv.per_fold[0]!.auc! + cv.per_fold[1]!.auc!) / 2, 12);
  });
});

describe('intervals of rates over folds', () => {
  it('are clipped to [0, 1] (hand-worked: 1, 1, 0.5)', () => {
    // mean 5/6, sd √(1/12) = 0.288675; t(0.975, 2) = 4.302652729749464; half-width t·sd/√3 = 0.717109
    const s = foldStat([1, 1, 0.5], 0.95, [0, 1]);
    const half = (4.302652729749464 * Math.sqrt(1 / 12)) / Math.sqrt(3);
    expect(5 / 6 + half).toBeGreaterThan(1);
    expect(s.interval[0]).toBeCloseTo(5 / 6 - half, 9);
    expect(s.interval[1]).toBe(1);
    // unbounded by default (a log loss has no upper end; a value can be negative)
    expect(foldStat([1, 1, 0.5], 0.95).interval[1]).toBeCloseTo(5 / 6 + half, 9);
  });
});

describe('a fold expression that is not a finite number on an event', () => {
  it('names the fold key with its line and the file line of the event (not a row index)', async () => {
    // EventNumber blank on the 8th event (file line 9), kept as missing: "EventNumber % 2" is NaN there
    const lines = ['EventNumber,x1,class'];
    for (let i = 0; i < 20; i++) lines.push(`${i === 7 ? '' : i},${(i * 7) % 5},${i % 2 ? 'h' : 'g'}`);
    const files = { 'd.csv': `${lines.join('\n')}\n` };
    const yaml = (fold: string) => `name: t\nseed: 1\ndata:\n  source: d.csv\n  label: class\n  positive: h\n  split: none\n  missing: keep\nsteps:\n  - crossvalidate: { model: bdt, n_estimators: 3, folds: 2, fold: "${fold}" }\n`;
    let e = await runError(yaml('EventNumber % 2'), files);
    expect(e.code).toBe('DATA_INVALID');
    // the fold key is on line 10 of the config
    expect(e.message).toMatch(/^steps\[0\]\.crossvalidate\.fold \(c\.yaml:10:\d+\): the fold expression "EventNumber % 2" is NaN at \S*d\.csv line 9; /);
    // division by zero: Infinity on the first event (line 2)
    e = await runError(yaml('x1 / 0 + 1'), files);
    expect(e.message).toMatch(/^steps\[0\]\.crossvalidate\.fold \(c\.yaml:10:\d+\): the fold expression "x1 \/ 0 \+ 1" is (NaN|Infinity) at \S*d\.csv line 2; /);
  });
});
