import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normSf } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { runConfig, runError, threeClassCsv, twoClassCsv } from '../steps.test-helpers.js';
import { formatDifference, formatP, pairSentence } from './report.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONFIG = (steps: string, extra = '') => `name: c
seed: 5
data:
  source: d.csv
  label: label
  positive: s
${extra}  split: { test: 0.4, stratify: true }
steps:
  - fit: { name: logistic, model: logistic }
  - fit: { name: nb, model: gaussian-nb }
  - fit: { name: lda, model: lda }
${steps}`;

const files = { 'd.csv': twoClassCsv(500, 4) };

describe('compare: classifiers on the same events', () => {
  it("each classifier's figures are evaluate's, and every pair has its paired DeLong test and differences", async () => {
    const r = await runConfig(
      CONFIG(`  - evaluate: { model: logistic, on: [test], signal_efficiency: [0.5, 0.9] }
  - evaluate: { model: nb, on: [test], signal_efficiency: [0.5, 0.9] }
  - compare: { models: [logistic, nb, lda], signal_efficiency: [0.5, 0.9], bootstrap: 200 }
`),
      files,
    );
    const c = r.metrics.compare as Json;
    expect(c.dataset).toBe('test');
    expect(c.n).toBe(400);
    expect(c.signal).toBe('s');
    expect(Object.keys(c.pairs)).toEqual(['logistic vs nb', 'logistic vs lda', 'nb vs lda']);
    for (const m of ['logistic', 'nb']) {
      const ev = (r.metrics[m] as Json).test;
      expect(c.models[m].auc).toBe(ev.auc);
      expect(c.models[m].auc_interval.interval).toEqual(ev.auc_interval.interval);
      expect(c.models[m].background_at_signal_efficiency['0.9']).toEqual(ev.physics.background_at_signal_efficiency['0.9']);
    }
    const pr = c.pairs['logistic vs nb'];
    expect(pr.delong.weighted).toBe(false);
    expect(pr.delong.auc_a).toBeCloseTo(c.models.logistic.auc_interval.value, 15);
    // z = (AUC_a − AUC_b)/se and p = 2·Q(|z|), the test's own definition
    expect(pr.delong.z).toBeCloseTo((pr.delong.auc_a - pr.delong.auc_b) / pr.delong.standard_error, 12);
    expect(pr.delong.p_value).toBeCloseTo(2 * normSf(Math.abs(pr.delong.z)), 15);
    expect(pr.auc_difference.method).toBe('delong');
    expect(pr.auc_difference.value).toBeCloseTo(pr.delong.auc_a - pr.delong.auc_b, 15);
    // two classifiers of one input variable rank the events almost alike: strongly correlated AUCs
    expect(pr.delong.correlation).toBeGreaterThan(0.8);
    const rd = pr.rejection_difference['0.5'];
    expect(rd.value).toBe(c.models.logistic.background_at_signal_efficiency['0.5'].background_rejection.value - c.models.nb.background_at_signal_efficiency['0.5'].background_rejection.value);
    expect(rd.interval[0]).toBeLessThanOrEqual(rd.value);
    expect(rd.interval[1]).toBeGreaterThanOrEqual(rd.value);
    expect(c.bootstrap.replicates).toBe(200);
    // one sentence per pair in the summary
    expect(r.summary.filter((l) => l.startsWith('compare on test: '))).toHaveLength(3);
    const manifest = r.manifest as Json;
    expect(manifest.figures['compare.pairs["logistic vs nb"].delong.p_value']).toBe('rate');
    expect(manifest.figures['compare.pairs["logistic vs nb"].delong.z']).toBe('value');
  });

  it('is reproducible from the run seed', async () => {
    const steps = `  - compare: { models: [logistic, nb], signal_efficiency: [0.7], bootstrap: 100 }\n`;
    const a = await runConfig(CONFIG(steps), files);
    const b = await runConfig(CONFIG(steps), files);
    expect(b.metrics.compare).toEqual(a.metrics.compare);
  });

  it('with event weights: the weighted differences get the paired bootstrap, the DeLong test the unweighted events', async () => {
    const text = twoClassCsv(300, 6).trimEnd().split('\n');
    const weighted = [`${text[0]},w`, ...text.slice(1).map((l, i) => `${l},${1 + (i % 4) * 0.5}`)].join('\n');
    const r = await runConfig(CONFIG(`  - compare: { models: [logistic, nb], signal_efficiency: [0.5], bootstrap: 100 }\n`, '  weight: w\n'), { 'd.csv': weighted });
    const c = r.metrics.compare as Json;
    expect(c.weighted).toBe(true);
    expect(c.models.logistic.auc_interval.method).toBe('bootstrap');
    const pr = c.pairs['logistic vs nb'];
    expect(pr.auc_difference.method).toBe('bootstrap');
    expect(pr.auc_difference.value).toBeCloseTo(c.models.logistic.auc - c.models.nb.auc, 15);
    expect(pr.delong.weighted).toBe(false);
    expect(r.summary.find((l) => l.startsWith('compare'))).toMatch(/DeLong's test on the unweighted events/);
  });

  it('with negative weights: draws without a positive class total are left out and counted, and too many of them refused', async () => {
    const text = twoClassCsv(300, 6).trimEnd().split('\n');
    // every fifth event of each class weighs w0 < 0, the others 1
    const withWeights = (w0: number) => [`${text[0]},w`, ...text.slice(1).map((l, i) => `${l},${i % 5 === 0 ? w0 : 1}`)].join('\n');
    // (boosted trees take negative weights as they are; logistic regression and naive Bayes refuse them)
    const config = `name: c
seed: 5
data:
  source: d.csv
  label: label
  positive: s
  weight: w
  split: { test: 0.4, stratify: true }
steps:
  - fit: { name: small, model: bdt, n_estimators: 10, max_leaf_nodes: 4 }
  - fit: { name: big, model: bdt, n_estimators: 20, max_leaf_nodes: 8 }
  - compare: { models: [small, big], signal_efficiency: [0.5], bootstrap: 400 }
`;
    const r = await runConfig(config, { 'd.csv': withWeights(-2.2) });
    const c = r.metrics.compare as Json;
    expect(c.bootstrap.dropped_replicates).toBeGreaterThan(0);
    expect(c.bootstrap.dropped_replicates).toBeLessThanOrEqual(20);
    expect(readFileSync(join(r.outDir, 'report.html'), 'utf8')).toContain(`(400 replicates, ${c.bootstrap.dropped_replicates} of them left out: a class&#39;s drawn weights summed to ≤ 0)`);
    const e = await runError(config, { 'd.csv': withWeights(-2.8) });
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toMatch(/^step 3 \(compare, at steps\[2\]\.compare\): paired bootstrap: in \d+ of 400 replicates a class's drawn event weights summed to ≤ 0/);
  });

  it('draws the overlaid curves and writes the tables in a Comparison section after the classifiers', async () => {
    const r = await runConfig(CONFIG(`  - evaluate: { model: logistic, on: [test] }\n  - compare: { models: [logistic, nb], signal_efficiency: [0.5], bootstrap: 50 }\n`), files, { plots: true });
    for (const f of ['compare-roc-test', 'compare-rejection-test', 'compare-inverse-rejection-test']) expect(existsSync(join(r.outDir, 'plots', `${f}.png`))).toBe(true);
    const html = readFileSync(join(r.outDir, 'report.html'), 'utf8');
    expect(html.indexOf('Classifier performance')).toBeLessThan(html.indexOf('>Comparison<'));
    expect(html).toContain('Pairwise tests on the same 400 events');
  });
});

describe('compare: what it refuses', () => {
  it('a model named twice, and a clustering model, before any data is read', async () => {
    const dup = await runError(CONFIG(`  - compare: { models: [logistic, logistic] }\n`), files);
    expect(dup.message).toMatch(/names "logistic" a second time; compare each model once → at steps\[3\]\.compare\.models\[1\]/);
    const one = await runError(CONFIG(`  - compare: { models: [logistic] }\n`), files);
    expect(one.message).toMatch(/compare needs at least two fitted classifiers/);
    const gmm = await runError(CONFIG(`  - fit: { name: g, model: gmm, n_components: 2 }\n  - compare: { models: [logistic, g] }\n`), files);
    expect(gmm.code).toBe('CONFIG_INVALID');
    expect(gmm.message).toMatch(/steps\[4\]\.compare\.models\[1\]/);
  });
  it('classifiers of three classes: every one named with its config key', async () => {
    const e = await runError(
      `name: c\nseed: 1\ndata: { source: d.csv, label: label, split: { test: 0.4, stratify: true } }\nsteps:\n  - fit: { name: a, model: lda }\n  - fit: { name: b, model: qda }\n  - compare: { models: [a, b] }\n`,
      { 'd.csv': threeClassCsv(60) },
    );
    // every model that is not binary is named, with its key's place, not only the first
    expect(e.message).toMatch(
      /^steps\[2\]\.compare\.models\[0\]: compare takes binary classifiers \(signal against background\): "a" \(models\[0\], c\.yaml:7:\d+\) has 3 classes; "b" \(models\[1\], c\.yaml:7:\d+\) has 3 classes \(c\.yaml:7:\d+\)$/,
    );
  });
});

describe('compare: the sentences', () => {
  const pair = (value: number, lo: number, hi: number, p: number) =>
    ({ a: 'logistic', b: 'mlp', auc_difference: { method: 'delong', value, interval: [lo, hi] }, delong: { auc_a: 0, auc_b: 0, z: 0, p_value: p, standard_error: 0, correlation: 0, weighted: false }, rejection_difference: {} }) as const;
  it('names the better classifier first, with the difference, its interval and p', () => {
    expect(pairSentence(pair(-0.085, -0.091, -0.079, 1e-20) as never, 0.05, false)).toBe("mlp's AUC exceeds logistic's by 0.085 [0.079, 0.091], p < 1e-16");
    expect(pairSentence(pair(0.0123, 0.004, 0.0206, 0.0031) as never, 0.05, false)).toBe("logistic's AUC exceeds mlp's by 0.012 [0.004, 0.021], p = 0.0031");
    expect(pairSentence(pair(0.003, -0.002, 0.008, 0.2412) as never, 0.05, false)).toBe("logistic's and mlp's AUCs do not differ significantly: logistic − mlp = 0.003 [-0.002, 0.008], p = 0.24");
  });
  it('formats p-values and intervals', () => {
    expect([formatP(0.5), formatP(0.04567), formatP(3.14e-5), formatP(1e-300), formatP(NaN)]).toEqual(['p = 0.5', 'p = 0.046', 'p = 3.1e-5', 'p < 1e-16', 'p undefined']);
    expect(formatDifference(0.1, 0.05, 0.15)).toBe('0.10 [0.05, 0.15]');
  });
});
