import { describe, expect, it } from 'vitest';
import { runError } from '../steps.test-helpers.js';

// A fit's error said where: the step, the weights' key (data.weight and where it is written), the fold and the rows
// the user gave — whatever the library said in its own terms.

/** n rows per class, every row weighted `w`. */
function weighted(n: number, w: number): string {
  const lines = ['x1,x2,w,label'];
  for (let i = 0; i < n; i++) lines.push(`${i % 7},${i % 5},${w},b`, `${(i % 7) + 1},${i % 3},${w},s`);
  return `${lines.join('\n')}\n`;
}

const cfg = (model: string, extra = '') => `name: t
seed: 1
data:
  source: d.csv
  label: label
  positive: s
  weight: w
  split: none
steps:
  - fit: { model: ${model}, n_estimators: 5${extra} }
`;

describe('fit errors say where', () => {
  for (const model of ['bdt', 'adaboost']) {
    it(`${model}: weights summing to 0 name the step and data.weight with its line`, async () => {
      const e = await runError(cfg(model), { 'd.csv': weighted(20, 0) });
      expect(e.code).toBe('DATA_INVALID');
      // data.weight is on line 7 of the config, its value at column 11
      expect(e.message).toMatch(/^step 1 \(fit, at steps\[0\]\.fit\): /);
      expect(e.message).toContain('the event weights (data.weight "w", c.yaml:7:11) sum to 0');
    });
    it(`${model}: all weights negative: the sum (40 rows × −1) with data.weight`, async () => {
      const e = await runError(cfg(model), { 'd.csv': weighted(20, -1) });
      expect(e.message).toMatch(/^step 1 \(fit, at steps\[0\]\.fit\): /);
      expect(e.message).toContain('(data.weight "w", c.yaml:7:11) sum to -40');
    });
    it(`${model}: negative_weights: ignore with every weight negative says nothing is left to train on`, async () => {
      const e = await runError(cfg(model, ', negative_weights: ignore'), { 'd.csv': weighted(20, -1) });
      expect(e.code).toBe('DATA_INVALID');
      expect(e.message).toContain('steps[0].fit.negative_weights: ignore leaves no event with positive weight');
      expect(e.message).toContain('data.weight "w", c.yaml:7:11');
      expect(e.message).not.toMatch(/must sum to a positive number/);
    });
  }

  it('a fold fit on too few rows names the step, the fold and the rows given', async () => {
    const csv = 'x1,x2,label\n0,1,b\n1,0,s\n2,2,b\n';
    for (const step of ['crossvalidate: { model: bdt, n_estimators: 5, folds: 2, stratify: false }', 'tune: { model: bdt, n_estimators: 5, folds: 2, stratify: false, grid: { max_depth: [2, 3] } }']) {
      const name = step.split(':')[0]!;
      const e = await runError(`name: t\nseed: 1\ndata:\n  source: d.csv\n  label: label\n  positive: s\n  split: none\nsteps:\n  - ${step}\n`, { 'd.csv': csv });
      expect(e.code).toBe('TOO_FEW_SAMPLES');
      // 3 rows in 2 folds: one fold holds 2 of them out and trains on the 1 left
      expect(e.message).toMatch(new RegExp(`^step 1 \\(${name}, at steps\\[0\\]\\.${name}\\): fold [01] trains on 1 of the 3 rows: `));
    }
  });
});
