import { fileURLToPath } from 'node:url';
import { DiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { createRegistry } from '../steps/index.js';
import { runConfig, runError } from '../steps/steps.test-helpers.js';

// Samples, cuts and defines as a hostile user writes them: weights on some samples only, a cut that keeps nothing,
// defines in the wrong order. Each either works as documented or is a config error at its key.

/** n events of one class: x, y on a grid, w = 2 on every event. */
function sample(n: number, shift: number): string {
  const lines = ['x,y,w'];
  for (let i = 0; i < n; i++) lines.push(`${(i % 10) + shift},${Math.floor(i / 10) % 7},2`);
  return `${lines.join('\n')}\n`;
}
const FILES = { 'sig.csv': sample(40, 1), 'bkg.csv': sample(60, 0) };
type Flow = { name: string; read: number; passed: number; weightedPassed: number; train: number; test: number; weightedTrain: number; weightedTest: number };
const flowOf = (manifest: Record<string, unknown>) => (manifest['data'] as { cutflow: Flow[] }).cutflow;

describe('samples with a weight on some of them', () => {
  it.each([
    ['the first', 0],
    ['a later', 1],
  ])('a weight on %s sample only: the others weigh 1 an event, and the fit and the figures are weighted', async (_, k) => {
    const weighted = ['', ''];
    weighted[k] = ', weight: "w * 50"';
    const yaml = `name: w
seed: 3
data:
  samples:
    - { name: s, path: sig.csv, class: sig${weighted[0]} }
    - { name: b, path: bkg.csv, class: bkg${weighted[1]} }
  positive: sig
  features: [x, y]
steps:
  - fit: { model: logistic }
  - evaluate: {}
`;
    const r = await runConfig(yaml, FILES);
    const flow = flowOf(r.manifest);
    const [w, one] = k === 0 ? [flow[0]!, flow[1]!] : [flow[1]!, flow[0]!];
    // every event of the weighted sample weighs w · 50 = 100; the other's 1
    expect(w.weightedPassed).toBe(100 * w.passed);
    expect(w.weightedTrain + w.weightedTest).toBe(100 * w.passed);
    expect(w.weightedTrain).toBe(100 * w.train);
    expect(one.weightedPassed).toBe(one.passed);
    expect(one.weightedTrain).toBe(one.train);
    const train = (r.metrics['model'] as { train: { n: number; weighted: boolean } }).train;
    expect(train.weighted).toBe(true);
  });

  it('samples with roles, the weight on the first only', async () => {
    const yaml = `name: w
seed: 3
data:
  samples:
    - { name: s, path: sig.csv, class: sig, role: train, weight: 3 }
    - { name: b, path: bkg.csv, class: bkg, role: train }
    - { name: s2, path: sig.csv, class: sig, role: test }
    - { name: b2, path: bkg.csv, class: bkg, role: test }
  positive: sig
  features: [x, y]
steps:
  - fit: { model: logistic }
  - evaluate: {}
`;
    const r = await runConfig(yaml, FILES);
    const flow = flowOf(r.manifest);
    expect(flow.map((f) => [f.name, f.weightedTrain, f.weightedTest])).toEqual([
      ['s', 120, 0],
      ['b', 60, 0],
      ['s2', 0, 40],
      ['b2', 0, 60],
    ]);
  });
});

describe('cuts and defines', () => {
  it('a data.cut that keeps no event is a config error at data.cut saying so, not a missing-value message', async () => {
    const e = await runError('name: c\ndata:\n  source: sig.csv\n  label: w\n  cut: "x > 1000"\nsteps:\n  - fit: { model: logistic }\n', FILES);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^data\.cut: the cut "x > 1000" passes on none of the 40 rows of .*sig\.csv; loosen the cut or check the data \(c\.yaml:5:8\)$/);
  });

  it('a second cut that removes the rest says so', async () => {
    const yaml = 'name: c\ndata:\n  samples:\n    - { path: sig.csv, class: s }\n    - { path: bkg.csv, class: b, cut: "x > 100" }\n  cut: "y < 3"\nsteps:\n  - fit: { model: logistic }\n';
    const e = await runError(yaml, FILES);
    expect(e.message).toContain('the cuts remove every event of sample "bkg"');
  });

  it.each([
    ['a later define', '    a: "b + 1"\n    b: "x * 2"\n', /uses b, which is defined after it \(data\.define\.b\).*move b above a → at data\.define\.a/s],
    ['two defines using each other', '    a: "b + 1"\n    b: "a + 1"\n', /uses b, which is defined after it/],
    ['itself', '    a: "a + 1"\n', /a uses itself/],
  ])('a define that uses %s is refused when the config is read (validate says it)', async (_, defines, message) => {
    const e = await runError(`name: d\ndata:\n  source: sig.csv\n  label: w\n  define:\n${defines}steps:\n  - fit: { model: logistic }\n`, FILES);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(message);
  });
});

describe('the score step reads its files through data.define and data.cut, as the run read its own data', () => {
  it('an exported model whose input is a derived column scores the passing rows of the source file', async () => {
    const rows = ['x,y,label'];
    for (let i = 0; i < 200; i++) rows.push(`${(i % 20) / 4},${Math.floor(i / 20)},${(i % 20) / 4 + Math.floor(i / 20) / 3 > 3 ? 'b' : 'a'}`);
    const yaml = `name: s
seed: 5
data:
  source: d.csv
  label: label
  define: { z: "x + y / 3" }
  cut: "y < 8"
  features: [z, x]
steps:
  - fit: { model: logistic }
  - export: { onnx: m.onnx }
  - score: { onnx: m.onnx }
`;
    const r = await runConfig(yaml, { 'd.csv': `${rows.join('\n')}\n` });
    const score = r.metrics['onnx'] as { rows: number; metrics: { n: number } };
    // the cut keeps y = 0..7: 8 of the 10 values of y, 20 rows each
    expect(score.rows).toBe(160);
    expect(score.metrics.n).toBe(160);
  });
});

describe('ROOT inputs named at the key that names them', () => {
  const hzz = JSON.stringify(fileURLToPath(new URL('../../../../../shared/data/uproot-HZZ.root', import.meta.url)));
  it('an array branch as the weight says so and how to make one number of it (it was "not in the file")', async () => {
    const e = await runError(`name: r\ndata:\n  source: ${hzz}\n  label: NMuon\n  features: [NJet]\n  weight: Jet_Px\nsteps:\n  - fit: { model: logistic }\n`);
    expect(e.message).toMatch(/^weight "Jet_Px" \(data\.weight \(c\.yaml:6:11\)\): column 'Jet_Px' holds an array per row .*derive one number per event with data\.define/);
  });

  it("a sample's own tree that the file lacks is named at the sample's key", async () => {
    const e = await runError(`name: r\ndata:\n  samples:\n    - { path: ${hzz}, class: a, tree: evts }\n    - { path: ${hzz}, class: b }\n  features: [NJet]\nsteps:\n  - fit: { model: logistic }\n`);
    expect(e.message).toMatch(/has no tree 'evts' \(data\.samples\[0\]\.tree \(c\.yaml:4:\d+\)\) \(did you mean 'events'\?\); its trees are 'events'/);
  });
});

describe('what the data section contradicts in itself is found when the config is read (validate), at its key', () => {
  const registry = createRegistry();
  const problems = (data: string): string => {
    try {
      parseConfig(`name: v\ndata:\n${data}steps:\n  - fit: { model: logistic }\n`, '/cfg/v.yaml', registry);
    } catch (e) {
      if (e instanceof DiscernError) return e.message;
      throw e;
    }
    return 'valid';
  };
  it.each([
    ['  source: a.csv\n  label: y\n  features: [x, x]\n', /feature 'x' is listed twice in data\.features \(also at data\.features\[0\]\).* → at data\.features\[1\] \(v\.yaml:5:17\)/],
    ['  source: a.csv\n  label: y\n  features: [x, y]\n', /column 'y' is the label column .* → at data\.features\[1\]/],
    ['  source: a.csv\n  label: y\n  weight: y\n', /column 'y' cannot be both the label \(data\.label\) and the weight \(data\.weight\) → at data\.weight/],
    ['  source: a.csv\n  label: y\n  weight: w\n  features: [x, w]\n', /column 'w' is the weight column .* → at data\.features\[1\]/],
    ['  source: a.csv\n  tree: events\n  label: y\n', /names a ROOT tree, but a\.csv is read as CSV \(by its name\).* → at data\.tree/],
    [
      '  samples:\n    - { path: s.csv, class: s, role: train }\n    - { path: b.csv, class: b, role: train }\n    - { path: t.csv, class: s, role: test }\n  split: { test: 0.5 }\n',
      /every sample gives its role \(train or test\), so nothing is split.* → at data\.split \(v\.yaml:7:10\)/,
    ],
    ['  samples:\n    - { path: s.csv, class: s, role: train }\n    - { path: b.csv, class: b, role: test }\n', /every sample with role train is of class "s": a classifier is trained on at least two classes/],
  ])('%#: %s', (data, message) => {
    expect(problems(data)).toMatch(message);
  });

  it('the same data without the contradiction is valid (the default split next to samples with roles included)', () => {
    expect(problems('  source: a.csv\n  label: y\n  features: [x, z]\n  weight: w\n')).toBe('valid');
    expect(problems('  samples:\n    - { path: s.csv, class: s, role: train }\n    - { path: b.csv, class: b, role: train }\n    - { path: t.csv, class: s, role: test }\n')).toBe('valid');
    expect(problems('  source: a.root\n  tree: events\n  label: y\n')).toBe('valid');
  });
});

describe('a feature meant as an expression that does not parse', () => {
  it('is looked up as a column (a file may name one so), and the error says why it was not read as an expression', async () => {
    const e = await runError('name: f\ndata:\n  source: d.csv\n  label: label\n  features: [x, "sqrt(x"]\nsteps:\n  - fit: { model: logistic }\n', { 'd.csv': 'x,label\n1,a\n2,b\n3,a\n4,b\n' });
    expect(e.message).toMatch(/feature column 'sqrt\(x' .* is not in .*d\.csv; available columns: 'x', 'label'; read as an expression, it does not parse: expected "\)" to close the "\(" at character 5, found the end of the expression, at character 7$/);
  });
});

describe('an expression that reads a column the wrong way is a config error at its key, with where it is written', () => {
  it.each([
    ['x[0]', /^data\.define\.q: "x\[0\]": column 'x' holds one value per row, not an array: write x without \[0\], at character 1 \(▸x\[0\]\) \(c\.yaml:6:8\)$/],
    ['length(x)', /^data\.define\.q: "length\(x\)": length\(\) reduces an array column .* \(c\.yaml:6:8\)$/],
  ])('%s on a column of one value per row', async (expr, message) => {
    const e = await runError(`name: e\ndata:\n  source: d.csv\n  label: label\n  define:\n    q: "${expr}"\n  features: [x, q]\nsteps:\n  - fit: { model: logistic }\n`, { 'd.csv': 'x,label\n1,a\n2,b\n3,a\n4,b\n' });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(message);
  });
});

describe('a training set of one class', () => {
  it('names the class by its label', async () => {
    const e = await runError('name: o\ndata:\n  samples:\n    - { name: s, path: sig.csv, class: sig }\n  features: [x, y]\nsteps:\n  - fit: { model: logistic }\n', FILES);
    expect(e.message).toMatch(/LogisticRegression: the training data has only one class, class "sig"; a classifier needs at least two/);
  });
});
