import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, REPO, discern, expectUserError, tempDir, writeFiles } from './cli.test-helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function run(config: string, extra: string[] = []): Promise<Json> {
  const r = await discern(['run', config, '--out', tempDir(), '--json', ...extra]);
  if (r.code !== 0) throw new Error(`discern run ${config} failed (${r.code}):\n${r.stderr}`);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Json;
}

/** Every third row to the test file, the rest to the training file: a split the configs do not make themselves. */
function twoFiles(csv: string): string[] {
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  const dir = writeFiles({
    'A.csv': [lines[0], ...lines.slice(1).filter((_, i) => i % 3 !== 0)].join('\n'),
    'B.csv': [lines[0], ...lines.slice(1).filter((_, i) => i % 3 === 0)].join('\n'),
  });
  return ['--set', `data.train=${join(dir, 'A.csv')}`, '--set', `data.test=${join(dir, 'B.csv')}`];
}

let gaussianRun: Json | undefined;
const gaussian = async (): Promise<Json> => (gaussianRun ??= await run('configs/gaussian-neyman-pearson.yaml'));

describe('the Gaussian worked example (configs/gaussian-neyman-pearson.yaml)', () => {
  it('analytic: α = 0.5 → x > 0, ln γ = −1/2, power 0.8413; x = 1/2 → both errors 0.3085 (1e-4); simulated inside its 95 % intervals', async () => {
    const g = (await gaussian()).gaussian;
    const [np] = g.neyman_pearson;
    expect(Math.abs(np.threshold - 0)).toBeLessThan(1e-4);
    expect(Math.abs(np.log_gamma - -0.5)).toBeLessThan(1e-4);
    expect(Math.abs(np.alpha - 0.5)).toBeLessThan(1e-4);
    expect(Math.abs(np.power - 0.8413)).toBeLessThan(1e-4);
    const [cut] = g.thresholds;
    expect(Math.abs(cut.threshold - 0.5)).toBeLessThan(1e-4);
    expect(Math.abs(cut.alpha - 0.3085)).toBeLessThan(1e-4);
    expect(Math.abs(cut.beta - 0.3085)).toBeLessThan(1e-4);
    for (const e of [np, cut]) {
      expect(e.simulated.dataset).toBe('test');
      expect(e.simulated.n_c1 + e.simulated.n_c2).toBe(20000);
      for (const k of ['alpha', 'beta', 'power']) {
        const s = e.simulated[k];
        expect(s.interval[0], `${k}: ${e[k]} in [${s.interval}]`).toBeLessThanOrEqual(e[k]);
        expect(s.interval[1]).toBeGreaterThanOrEqual(e[k]);
        expect(Math.abs(s.value - e[k])).toBeLessThan(0.02);
      }
    }
    expect(g.inside_interval).toBe(true);
  });

  it('the same tests chosen from data: NP at α = 0.5 on the calibration half, the cut x ≥ 1/2, judged on the other half', async () => {
    const d = (await gaussian()).decisions;
    expect(Math.abs(d.np.rule.threshold)).toBeLessThan(0.05); // the empirical median of C1 ≈ 0
    expect(d.np.test.alpha_inside_interval).toBe(true);
    expect(Math.abs(d.cut.test.background_efficiency.value - 0.3085)).toBeLessThan(0.02);
  });

  it('runs on two other files with --set data.train=… --set data.test=…', async () => {
    const m = await run('configs/gaussian-neyman-pearson.yaml', [...twoFiles(join(REPO, 'data', 'gaussian-np.csv')), '--set', 'report.plots=false']);
    expect(m.gaussian.neyman_pearson[0].simulated.n_c1 + m.gaussian.neyman_pearson[0].simulated.n_c2).toBe(13334);
  });
});

describe('MAGIC: Neyman–Pearson at α = 0.05 chosen on calibration data (configs/magic-neyman-pearson.yaml)', () => {
  it('the test false-positive rate lies inside its 95 % Clopper–Pearson interval around 0.05', async () => {
    const d = (await run('configs/magic-neyman-pearson.yaml', ['--set', 'report.plots=false'])).decisions['neyman-pearson'];
    expect(d.threshold_choice.dataset).toBe('calibration');
    expect(d.threshold_choice.achieved_fpr.value).toBeLessThanOrEqual(0.05);
    const fpr = d.test.background_efficiency;
    expect(fpr.interval[0]).toBeLessThanOrEqual(0.05);
    expect(fpr.interval[1]).toBeGreaterThanOrEqual(0.05);
    expect(d.test.alpha_inside_interval).toBe(true);
    expect(fpr.interval[1] - fpr.interval[0]).toBeLessThan(0.03); // ~2 000 test hadrons: an interval of about ±0.01
    expect(d.test.signal_efficiency.value).toBeGreaterThan(0.2);
  });

  it('the rule travels with the saved model', async () => {
    const out = tempDir();
    expect((await discern(['run', 'configs/magic-neyman-pearson.yaml', '--out', out, '--set', 'report.plots=false'])).code).toBe(0);
    const saved = JSON.parse(readFileSync(join(out, 'models', 'model.json'), 'utf8'));
    expect(saved.decision).toMatchObject({ kind: 'neyman-pearson', alpha: 0.05, on: 'proba', positive: 1 });
  });
});

describe('minimum Bayes risk', () => {
  it('MAGIC: the minimum-risk cut on P(g) under deployment priors, and its expected risk with an interval', async () => {
    const m = await run('configs/magic-bayes-risk.yaml', ['--set', 'report.plots=false']);
    const d = m.decisions['bayes-risk'];
    // class order [h, g]; cost[g][h] = 3 (kept hadron), cost[h][g] = 1 (lost gamma); κ = 3·π'h·πg/(π'g·πh)
    const [ph, pg] = d.rule.trainPriors;
    const kappa = (3 * 0.5 * pg) / (1 * 0.5 * ph);
    expect(d.minimum_risk_threshold.threshold).toBeCloseTo(kappa / (1 + kappa), 10);
    const r = d.test.expected_risk;
    expect(r.priors).toBe('deployment');
    expect(r.interval[0]).toBeLessThan(r.value);
    expect(r.interval[1]).toBeGreaterThan(r.value);
    // R = π'h·3·εB + π'g·1·(1 − εS)
    expect(r.value).toBeCloseTo(0.5 * 3 * d.test.background_efficiency.value + 0.5 * (1 - d.test.signal_efficiency.value), 10);
  });

  it('iris: a 3-class cost matrix on QDA, with MAP, ML and a reject option beside it; runs on two files', async () => {
    const d = (await run('configs/iris-bayes-risk.yaml', twoFiles(join(DATA, 'iris.csv')))).decisions;
    expect(d['min-risk'].rule.cost).toEqual([[0, 1, 10], [1, 0, 10], [1, 1, 0]]);
    expect(d['min-risk'].test.confusion_matrix.labels).toEqual(['setosa', 'versicolor', 'virginica']);
    // A missed virginica costs 10: the minimum-risk rule misses no more virginicas than MAP does.
    const missed = (e: Json) => e.test.confusion_matrix.counts[2][0] + e.test.confusion_matrix.counts[2][1];
    expect(missed(d['min-risk'])).toBeLessThanOrEqual(missed(d.map));
    expect(d['min-risk-reject'].rule.rejectCost).toBe(0.5);
    // Rejected events are counted apart from the confusion matrix: together they are all the test events.
    const rej = d['min-risk-reject'].test;
    const decided = rej.confusion_matrix.counts.flat().reduce((a: number, b: number) => a + b, 0);
    const rejected = Object.values((rej.rejected ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(decided + rejected).toBe(rej.n);
    expect(rej.n).toBe(50);
  });

  it('a cost matrix of the wrong size is a coded error naming the path and the classes', async () => {
    const r = await discern(['run', 'configs/iris-bayes-risk.yaml', '--out', tempDir(), '--set', 'steps[5].decide.cost=[[0, 1], [1, 0]]']);
    expectUserError(r, 'CONFIG_INVALID');
    expect(r.stderr).toMatch(/steps\[5\]\.decide\.cost:? must be a 3×3 matrix cost\[decided\]\[true\] with rows and columns in class order "setosa", "versicolor", "virginica"/);
  });

  it('alpha out of range is refused before anything runs', async () => {
    const r = await discern(['run', 'configs/magic-neyman-pearson.yaml', '--out', tempDir(), '--set', 'steps[4].decide.alpha=0']);
    expectUserError(r, 'CONFIG_INVALID');
    expect(r.stderr).toMatch(/alpha must be in \(0, 1\).*→ at steps\[4\]\.decide\.alpha \(from --set\)/);
  });
});

describe('photon vs jet runs on two other files', () => {
  it('--set data.train/test', async () => {
    const m = await run('configs/photon-jet.yaml', [...twoFiles(join(REPO, 'data', 'photon-jet.csv')), '--set', 'report.plots=false']);
    expect(m.logistic.test.n).toBe(6667);
    expect(m.mlp.test.physics.background_at_signal_efficiency['0.9'].background_rejection.value).toBeGreaterThan(0.8);
  });
});
