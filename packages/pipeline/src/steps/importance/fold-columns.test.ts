import { describe, expect, it } from 'vitest';
import { runConfig } from '../steps.test-helpers.js';

describe('importance of a fold ensemble', () => {
  it("leaves the fold expression's columns out (they pick the fold model, they are not its inputs) and says so", async () => {
    // x1 separates the classes, x2 is noise; EventNumber only picks the fold
    const lines = ['EventNumber,x1,x2,label'];
    for (let i = 0; i < 120; i++) lines.push(`${i},${((i * 37) % 17) / 17 + (i % 2 ? 0.7 : 0)},${((i * 13) % 11) / 11},${i % 2 ? 's' : 'b'}`);
    const r = await runConfig(
      `name: t
seed: 1
data:
  source: d.csv
  label: label
  positive: s
  split: { test: 0.4 }
steps:
  - crossvalidate: { model: logistic, folds: 3, fold: "EventNumber % 3", apply: by-fold, name: cvm }
  - importance: { model: cvm, n_repeats: 3 }
`,
      { 'd.csv': `${lines.join('\n')}\n` },
    );
    const imp = (r.metrics as { importance: { cvm: { features: Record<string, unknown>; ranking: string[]; left_out?: { features: string[]; reason: string } } } }).importance.cvm;
    expect(Object.keys(imp.features).sort()).toEqual(['x1', 'x2']);
    expect([...imp.ranking].sort()).toEqual(['x1', 'x2']);
    expect(imp.left_out?.features).toEqual(['EventNumber']);
    expect(imp.left_out?.reason).toMatch(/fold expression "EventNumber % 3" reads it to pick each event's fold model; it is not an input of the fold models/);
    expect(r.summary.some((l) => /^importance of cvm's features .*; left out: EventNumber/.test(l))).toBe(true);
  });
});
