import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, discern, expectUserError, tempDir, writeFiles } from './cli.test-helpers.js';

const SKLEARN = JSON.parse(readFileSync(new URL('./__fixtures__/magic-logistic-sklearn.json', import.meta.url), 'utf8')) as { sklearn_test_auc: number };

const TINY = 'a,b,label\n0,1,x\n1,0,y\n0.5,0.5,x\n1,1,y\n0.2,0.1,x\n0.9,0.8,y\n';

function config(data: string, steps = '  - fit: { model: logistic }\n  - evaluate: {}\n', extra = ''): string {
  return `name: t\nseed: 1\n${extra}data:\n${data}steps:\n${steps}`;
}

describe('discern run', () => {
  it('learns NAND: predicts 1, 1, 1, 0 with accuracy 1 and prints the truth table', async () => {
    const out = tempDir();
    const r = await discern(['run', 'configs/nand-logistic.yaml', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/x1\s+x2\s+y\s+P\(1\)\s+predicted/);
    const rows = r.stdout.split('\n').filter((l) => /^\s*[01]\s+[01]\s+[01]\s+[01]\.\d{4}\s+[01]$/.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/).at(-1))).toEqual(['1', '1', '1', '0']);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.model.train.accuracy).toBe(1);
    expect(metrics.model.train.confusion_matrix.counts).toEqual([[1, 0], [0, 3]]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('discern-run');
    expect(manifest.seed).toBe(1);
    const paths: string[] = manifest.artifacts.map((a: { path: string }) => a.path);
    // The report and its plots (plots/*.svg|png, report.html) come beside the step artifacts.
    expect(paths.filter((p) => !p.startsWith('plots/') && p !== 'report.html')).toEqual(['metrics.json', 'models/model.json', 'scores/model-train.csv']);
    expect(paths).toContain('report.html');
    expect(manifest.artifacts[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('--json prints the metrics and nothing else on stdout', async () => {
    const r = await discern(['run', 'configs/nand-logistic.yaml', '--out', tempDir(), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).model.train.accuracy).toBe(1);
  });

  it('runs MAGIC on any two files with its columns via --set data.train/test', async () => {
    const lines = readFileSync(join(DATA, 'magic04.csv'), 'utf8').trim().split('\n');
    const header = lines[0]!;
    // every third row to test, the rest to train: a different split than the config's own
    const train = [header, ...lines.slice(1).filter((_, i) => i % 3 !== 0)].join('\n');
    const test = [header, ...lines.slice(1).filter((_, i) => i % 3 === 0)].join('\n');
    const dir = writeFiles({ 'A.csv': train, 'B.csv': test });
    const out = tempDir();
    const r = await discern(['run', 'configs/magic-logistic.yaml', '--set', `data.train=${join(dir, 'A.csv')}`, '--set', `data.test=${join(dir, 'B.csv')}`, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.model.test.n).toBe(Math.ceil((lines.length - 1) / 3));
    // Issue requirement: within 0.005 of scikit-learn's unpenalised LogisticRegression on the same standardised split
    // (fixture from tools/fixtures/make_runner_fixtures.py).
    expect(Math.abs(m.model.test.auc - SKLEARN.sklearn_test_auc)).toBeLessThanOrEqual(0.005);
    expect(Object.keys(m.model.test.tpr_at_fpr)).toEqual(['0.01', '0.02', '0.05', '0.1', '0.2']);
  });

  it('--threads changes nothing in the results (MAGIC per-class GMMs: worker threads in the E/M passes), and refuses 0', async () => {
    const runs = await Promise.all(['1', '2'].map(async (t) => {
      const out = tempDir();
      const r = await discern(['--threads', t, 'run', 'configs/magic-gmm-likelihood.yaml', '--out', out, '--quiet']);
      expect(r.code).toBe(0);
      return readFileSync(join(out, 'metrics.json'), 'utf8');
    }));
    expect(runs[1]).toBe(runs[0]);
    expectUserError(await discern(['run', 'configs/nand-logistic.yaml', '--threads', '0', '--out', tempDir()]), 'INVALID_ARGUMENT');
    const bad = await discern(['run', 'configs/nand-logistic.yaml', '--out', tempDir()], { env: { DISCERN_THREADS: 'many' } });
    expectUserError(bad, 'INVALID_ARGUMENT');
    expect(bad.stderr).toMatch(/DISCERN_THREADS must be a positive integer/);
  });

  it('refuses a non-empty --out that is not a run folder unless --force, and replaces a previous run', async () => {
    const dir = writeFiles({ 'precious.txt': 'keep me' });
    expectUserError(await discern(['run', 'configs/nand-logistic.yaml', '--out', dir]), 'OUTPUT_EXISTS');
    expect(readFileSync(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
    const out = tempDir();
    expect((await discern(['run', 'configs/nand-logistic.yaml', '--out', out])).code).toBe(0);
    expect((await discern(['run', 'configs/nand-logistic.yaml', '--out', out])).code).toBe(0);
    expect(readdirSync(join(out, '..')).filter((f) => f.includes('.partial-') || f.includes('.old-'))).toEqual([]);
  });
});

describe('bad input: one clear, coded message and no stack trace', () => {
  const data = (file: string, more = '') => `  source: ${file}\n  label: label\n${more}  split: none\n`;

  it('malformed YAML', async () => {
    const dir = writeFiles({ 'c.yaml': 'name: t\nsteps: [\n' });
    const r = await discern(['run', join(dir, 'c.yaml')]);
    expectUserError(r, 'CONFIG_PARSE');
    expect(r.stderr).toMatch(/c\.yaml:\d+:\d+/);
  });

  it('unknown key', async () => {
    const dir = writeFiles({ 'd.csv': TINY, 'c.yaml': config(data('d.csv', '  lable: x\n')) });
    const r = await discern(['run', join(dir, 'c.yaml')]);
    expectUserError(r, 'CONFIG_INVALID');
    expect(r.stderr).toContain('unknown key "lable"');
    expect(r.stderr).toContain('c.yaml:6:3');
  });

  it('wrong type', async () => {
    const dir = writeFiles({ 'd.csv': TINY, 'c.yaml': config(data('d.csv'), '  - fit: { model: logistic, l2: "0.o5" }\n') });
    const r = await discern(['validate', join(dir, 'c.yaml')]);
    expectUserError(r, 'CONFIG_INVALID');
    expect(r.stderr).toContain('✖ expected number, got "0.o5" → at steps[0].fit.l2 (c.yaml:8:33)');
  });

  it('missing config file and missing data file', async () => {
    expectUserError(await discern(['run', '/nonexistent/c.yaml']), 'FILE_NOT_FOUND');
    const dir = writeFiles({ 'c.yaml': config(data('nope.csv')) });
    const r = await discern(['run', join(dir, 'c.yaml'), '--out', tempDir()]);
    expectUserError(r, 'FILE_NOT_FOUND');
    expect(r.stderr).toContain('nope.csv');
  });

  it('non-numeric cell in a feature column names file, line, column and value', async () => {
    const dir = writeFiles({ 'd.csv': TINY.replace('0.5,0.5,x', '0.5,0.o5,x'), 'c.yaml': config(data('d.csv', '  features: [a, b]\n')) });
    const r = await discern(['run', join(dir, 'c.yaml'), '--out', tempDir()]);
    expectUserError(r, 'DATA_INVALID');
    expect(r.stderr).toContain('d.csv');
    expect(r.stderr).toContain('line 4');
    expect(r.stderr).toContain("'b'");
    expect(r.stderr).toContain('0.o5');
  });

  it('NaN in a feature column', async () => {
    const dir = writeFiles({ 'd.csv': TINY.replace('0.5,0.5,x', 'NaN,0.5,x'), 'c.yaml': config(data('d.csv')) });
    const r = await discern(['run', join(dir, 'c.yaml'), '--out', tempDir()]);
    expectUserError(r, 'DATA_INVALID');
    expect(r.stderr).toContain('NaN');
    expect(r.stderr).toContain('line 4');
  });

  it('a label column that does not exist', async () => {
    const dir = writeFiles({ 'd.csv': TINY, 'c.yaml': config('  source: d.csv\n  label: lable\n  split: none\n') });
    const r = await discern(['run', join(dir, 'c.yaml'), '--out', tempDir()]);
    expectUserError(r, 'LABEL_INVALID');
    expect(r.stderr).toContain("'lable'");
    expect(r.stderr).toContain('label');
  });

  it('a positive class that does not occur', async () => {
    const dir = writeFiles({ 'd.csv': TINY, 'c.yaml': config(data('d.csv', '  positive: z\n')) });
    const r = await discern(['run', join(dir, 'c.yaml'), '--out', tempDir()]);
    expectUserError(r, 'LABEL_INVALID');
    expect(r.stderr).toContain('positive class "z"');
    expect(r.stderr).toMatch(/x.*y/);
  });

  it('only one class in the training data', async () => {
    const dir = writeFiles({ 'd.csv': TINY.replace(/,y\n/g, ',x\n'), 'c.yaml': config(data('d.csv')) });
    const r = await discern(['run', join(dir, 'c.yaml'), '--out', tempDir()]);
    expectUserError(r, 'LABEL_INVALID');
    expect(r.stderr).toContain('only one class');
  });

  it('an empty file', async () => {
    const dir = writeFiles({ 'd.csv': '', 'c.yaml': config(data('d.csv')) });
    const r = await discern(['run', join(dir, 'c.yaml'), '--out', tempDir()]);
    expectUserError(r, 'DATA_INVALID');
    expect(r.stderr).toContain('d.csv');
  });

  it('a diverging gradient descent stops and says so', async () => {
    const big = 'a,b,label\n' + Array.from({ length: 40 }, (_, i) => `${i * 1000},${(i % 7) * 5000},${i % 2 ? 'x' : 'y'}`).join('\n') + '\n';
    const dir = writeFiles({ 'd.csv': big, 'c.yaml': config(data('d.csv'), '  - fit: { model: logistic, solver: gd, learning_rate: 1.0e+6, epochs: 100 }\n') });
    const out = tempDir();
    const r = await discern(['run', join(dir, 'c.yaml'), '--out', out]);
    expectUserError(r, 'FIT_DIVERGED');
    expect(r.stderr).toMatch(/epoch/);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('discern validate, schema, plugins', () => {
  it('validate accepts the example configs', async () => {
    for (const c of ['configs/nand-logistic.yaml', 'configs/magic-logistic.yaml']) {
      const r = await discern(['validate', c]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('valid');
    }
  });

  it('schema prints a JSON Schema with every registered step', async () => {
    const r = await discern(['schema']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.properties.steps.type).toBe('array');
    const text = JSON.stringify(s);
    for (const step of ['standardize', 'fit', 'predict', 'evaluate']) expect(text).toContain(`"${step}"`);
    expect(s.additionalProperties).toBe(false);
  });

  it('plugins lists steps with their parameters', async () => {
    const r = await discern(['plugins']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^evaluate/m);
    expect(r.stdout).toContain('fpr');
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    expect((await discern(['frobnicate'])).code).toBe(2);
    expect((await discern(['run'])).code).toBe(2);
  });
});
