import { normSf } from '@discern/core';
import { createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { runConfig, runError } from '../steps.test-helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A seeded sample of the worked example: C1 ~ N(0, 1), C2 ~ N(1, 1), n per class. */
function workedExample(n: number): string {
  const rng = createRng(11);
  const lines = ['x,label'];
  for (let i = 0; i < n; i++) lines.push(`${rng.normal()},C1`, `${rng.normal() + 1},C2`);
  return `${lines.join('\n')}\n`;
}

const CFG = (step: string, data = 'g.csv') => `name: g
seed: 1
data:
  source: ${data}
  label: label
  positive: C2
  split: none
steps:
${step}`;

describe('gaussian-test: the worked example, analytic and simulated', () => {
  it('α = 0.5 → x > 0, ln γ = −1/2, power 0.8413; x = 1/2 → both errors Q(1/2) = 0.3085 (to 1e-4), each inside its interval', async () => {
    const r = await runConfig(
      CFG(`  - gaussian-test: { c1: { mean: 0, sd: 1 }, c2: { mean: 1, sd: 1 }, alpha: [0.5], threshold: [0.5], log_gamma: [0], features: [x], on: train }\n`),
      { 'g.csv': workedExample(5000) },
    );
    const g = r.metrics.gaussian as Json;
    const [np] = g.neyman_pearson;
    expect(np.threshold).toBeCloseTo(0, 12);
    expect(np.direction).toBe('above');
    expect(np.log_gamma).toBeCloseTo(-0.5, 12);
    expect(np.alpha).toBeCloseTo(0.5, 12);
    expect(Math.abs(np.power - 0.8413)).toBeLessThan(1e-4);
    expect(Math.abs(np.beta - 0.1587)).toBeLessThan(1e-4);
    const [cut] = g.thresholds;
    expect(Math.abs(cut.alpha - 0.3085)).toBeLessThan(1e-4);
    expect(Math.abs(cut.beta - 0.3085)).toBeLessThan(1e-4);
    expect(cut.log_gamma).toBeCloseTo(0, 12);
    // ln γ = 0 is the same test as the cut x = 1/2.
    const [lg] = g.log_gamma;
    expect(lg.threshold).toBeCloseTo(0.5, 12);
    expect(lg.alpha).toBeCloseTo(cut.alpha, 12);
    for (const e of [np, cut, lg]) {
      expect(e.simulated.n_c1).toBe(5000);
      expect(e.simulated.inside_interval).toBe(true);
      for (const k of ['alpha', 'beta', 'power']) {
        const [lo, hi] = e.simulated[k].interval;
        expect(lo <= e[k] && e[k] <= hi).toBe(e.simulated[k].inside_interval);
      }
    }
    expect(g.inside_interval).toBe(true);
    expect(r.summary.some((l) => l.startsWith('gaussian NP α = 0.5: x > 0: ln γ -0.5000, α 0.5000, β 0.1587, power 0.8413; simulated (train)'))).toBe(true);
  });

  it('a simulated sample that does not follow the classes is caught: inside_interval false', async () => {
    // The sample has C2 ~ N(1, 1) but the config claims N(1.5, 1).
    const r = await runConfig(CFG(`  - gaussian-test: { c1: { mean: 0, sd: 1 }, c2: { mean: 1.5, sd: 1 }, threshold: [0.5], features: [x], on: train }\n`), { 'g.csv': workedExample(5000) });
    const [cut] = (r.metrics.gaussian as Json).thresholds;
    expect(cut.simulated.alpha.inside_interval).toBe(true); // C1 is as claimed
    expect(cut.simulated.power.inside_interval).toBe(false);
    expect((r.metrics.gaussian as Json).inside_interval).toBe(false);
  });

  it('multivariate, shared covariance: power = Q(Q⁻¹(α) − Δ) along the LDA direction', async () => {
    const r = await runConfig(
      CFG(`  - gaussian-test: { c1: { mean: [0, 0] }, c2: { mean: [1, 1] }, covariance: [[1, 0.5], [0.5, 1]], alpha: [0.05] }\n`),
      { 'g.csv': workedExample(10) },
    );
    const g = r.metrics.gaussian as Json;
    // Δ² = (1,1) Σ⁻¹ (1,1)ᵀ = 2/(1 + 0.5) = 4/3
    expect(g.mahalanobis).toBeCloseTo(Math.sqrt(4 / 3), 12);
    const [np] = g.neyman_pearson;
    expect(np.alpha).toBeCloseTo(0.05, 12);
    expect(np.power).toBeCloseTo(normSf(1.6448536269514722 - Math.sqrt(4 / 3)), 9);
  });

  it('bad class specifications name the path', async () => {
    const data = { 'g.csv': workedExample(10) };
    const a = await runError(CFG(`  - gaussian-test: { c1: { mean: 0 }, c2: { mean: 1, sd: 1 }, alpha: [0.1] }\n`), data);
    expect(a.message).toMatch(/is required for a 1-D class: \{ mean, sd \} → at steps\[0\]\.gaussian-test\.c1\.sd \(c\.yaml:\d+:\d+\)/);
    const b = await runError(CFG(`  - gaussian-test: { c1: { mean: [0, 0] }, c2: { mean: [1, 1] }, covariance: [[1, 0]], alpha: [0.1] }\n`), data);
    expect(b.message).toMatch(/must be a 2×2 matrix .* → at steps\[0\]\.gaussian-test\.covariance \(c\.yaml:\d+:\d+\)/);
    const c = await runError(CFG(`  - gaussian-test: { c1: { mean: 0, sd: 1 }, c2: { mean: 1, sd: 1 } }\n`), data);
    expect(c.message).toMatch(/give at least one of alpha, threshold or log_gamma/);
  });
});
