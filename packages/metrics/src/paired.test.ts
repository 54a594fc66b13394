import { createRng } from '@discern/linalg';
import { normCdf } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { delongAuc } from './delong.js';
import { errorText, expectClose, loadFixture } from './fixture.test-helpers.js';
import { pairedBootstrap, pairedDelong } from './paired.js';
import { backgroundAtSignalEfficiency } from './physics.js';
import { type ProtocolFixture } from './protocol-fixture.test-helpers.js';
import { rocAuc } from './roc.js';

const fx = loadFixture<ProtocolFixture>('protocol.json');

describe('paired DeLong test against the O(m·n) reference (tools/fixtures/make_protocol_fixtures.py)', () => {
  it('has the reference cases', () => expect(fx.paired_delong.length).toBeGreaterThanOrEqual(5));
  for (const c of fx.paired_delong) {
    it(c.name, () => {
      const r = pairedDelong(c.y, c.a, c.b, { posLabel: c.pos_label });
      // AUCs and (co)variances to 1e-12; z and p to 1e-9, as issue 14 asks
      expectClose(r.aucA, c.auc_a, 1e-12, 'aucA');
      expectClose(r.aucB, c.auc_b, 1e-12, 'aucB');
      expectClose(r.varianceA, c.variance_a, 1e-12, 'varianceA');
      expectClose(r.varianceB, c.variance_b, 1e-12, 'varianceB');
      expectClose(r.covariance, c.covariance, 1e-12, 'covariance');
      expectClose(r.z, c.z, 1e-9, 'z');
      expectClose(r.pValue, c.p_value, 1e-9, 'p');
      // a tail probability is checked relatively too: p = 4.8e-76 must not come out as 0 or 1e-70
      if (c.p_value > 0) expect(Math.abs(r.pValue / c.p_value - 1)).toBeLessThan(1e-9);
      expectClose(r.lower, c.lower, 1e-12, 'lower');
      expectClose(r.upper, c.upper, 1e-12, 'upper');
    });
  }

  it('hand-worked: y = [1,1,0,0], A = [0.9,0.4,0.5,0.1], B = [0.9,0.6,0.5,0.1]', () => {
    // A: V10 = [1, ½], V01 = [½, 1], AUC ¾, Var = ⅛/2 + ⅛/2 = ⅛. B separates perfectly: AUC 1, placements constant,
    // Var 0, Cov 0. Difference −¼ with variance ⅛: z = −¼/√⅛ = −1/√2, p = 2·Q(1/√2) = 0.4795001221869535.
    const r = pairedDelong([1, 1, 0, 0], [0.9, 0.4, 0.5, 0.1], [0.9, 0.6, 0.5, 0.1]);
    expect(r.aucA).toBe(0.75);
    expect(r.aucB).toBe(1);
    expectClose(r.varianceA, 0.125, 1e-15);
    expect(r.varianceB).toBe(0);
    expect(r.covariance).toBe(0);
    expectClose(r.z, -Math.SQRT1_2, 1e-15, 'z');
    expectClose(r.pValue, 0.4795001221869535, 1e-15, 'p');
    expect(Number.isNaN(r.correlation)).toBe(true);
  });

  it('the variances are those of the unpaired DeLong interval', () => {
    const c = fx.paired_delong.find((x) => x.name === 'correlated_600')!;
    const r = pairedDelong(c.y, c.a, c.b);
    expectClose(r.varianceA, delongAuc(c.y, c.a).variance, 1e-15, 'A');
    expectClose(r.varianceB, delongAuc(c.y, c.b).variance, 1e-15, 'B');
    expect(r.correlation).toBeGreaterThan(0.3);
  });

  it('the same ranking (a monotone transform) gives z = 0 and p = 1; swapping A and B flips z', () => {
    const c = fx.paired_delong[1]!;
    const r = pairedDelong(c.y, c.a, c.a.map((v) => Math.exp(v)));
    expect(r.z).toBe(0);
    expect(r.pValue).toBe(1);
    const ab = pairedDelong(c.y, c.a, c.b), ba = pairedDelong(c.y, c.b, c.a);
    expect(ba.z).toBe(-ab.z);
    expect(ba.pValue).toBe(ab.pValue);
  });

  it('refuses too few events of a class and scores of another length', () => {
    expect(errorText(() => pairedDelong([1, 0, 0], [0.3, 0.2, 0.1], [0.3, 0.2, 0.1]))).toBe('LABEL_INVALID: the paired DeLong test needs at least 2 positive and 2 negative samples, got 1 and 2');
    expect(errorText(() => pairedDelong([1, 1, 0, 0], [0.3, 0.2, 0.1, 0], [0.3, 0.2]))).toBe('INVALID_ARGUMENT: scoreB has 2 entries but yTrue has 4; they must have the same length');
    expect(errorText(() => pairedDelong([1, 1, 0, 0], [0.3, NaN, 0.1, 0], [0.3, 0.2, 0.1, 0]))).toMatch(/^DATA_INVALID: scoreA\[1\] is NaN/);
  });
});

/** Two classifiers of the same true AUC on m signal and n background events; `rho` correlates their noise. */
function equalAucSample(rng: ReturnType<typeof createRng>, m: number, n: number, rho: number): { y: Int32Array; a: Float64Array; b: Float64Array } {
  // A: signal N(1, 1), background N(0, 1): AUC = Φ(1/√2). B: signal N(√(5/2), 2²), background N(0, 1):
  // AUC = Φ(√(5/2)/√(1 + 4)) = Φ(1/√2), the same, with a different shape (the curves cross).
  const y = new Int32Array(m + n), a = new Float64Array(m + n), b = new Float64Array(m + n);
  const c = Math.sqrt(1 - rho * rho);
  for (let i = 0; i < m + n; i++) {
    const sig = i < m;
    const e1 = rng.normal(), e2 = rho * e1 + c * rng.normal();
    y[i] = sig ? 1 : 0;
    a[i] = (sig ? 1 : 0) + e1;
    b[i] = sig ? Math.sqrt(2.5) + 2 * e2 : e2;
  }
  return { y, a, b };
}

describe('size and power of the paired DeLong test (seeded simulation)', () => {
  it('two classifiers of equal true AUC: rejected at α = 0.05 in 5 % ± 3σ of 4,000 trials', () => {
    const rng = createRng(1414);
    const trials = 4000;
    let rejected = 0;
    for (let t = 0; t < trials; t++) {
      const { y, a, b } = equalAucSample(rng, 150, 150, 0.5);
      if (pairedDelong(y, a, b).pValue < 0.05) rejected++;
    }
    // binomial simulation error of a 5 % rate over 4,000 trials: σ = √(0.05·0.95/4000) = 0.0034
    const sigma = Math.sqrt((0.05 * 0.95) / trials);
    expect(Math.abs(rejected / trials - 0.05)).toBeLessThanOrEqual(3 * sigma);
  });

  it('a real difference (AUC 0.76 against 0.69) is found in most trials', () => {
    const rng = createRng(1415);
    let rejected = 0;
    for (let t = 0; t < 200; t++) {
      const { y, a } = equalAucSample(rng, 300, 300, 0.5);
      const worse = Float64Array.from(a, (v) => v + 0.8 * rng.normal());
      if (pairedDelong(y, a, worse).pValue < 0.05) rejected++;
    }
    expect(normCdf(1 / Math.SQRT2)).toBeCloseTo(0.76, 2);
    expect(rejected / 200).toBeGreaterThan(0.9);
  });
});

describe('paired bootstrap of AUC and rejection differences', () => {
  const rng = createRng(77);
  const { y, a, b } = equalAucSample(rng, 400, 500, 0.6);
  const c = Float64Array.from(a, (v) => v + 0.5 * rng.normal());
  const effS = [0.5, 0.9];

  it('point values are rocAuc and backgroundAtSignalEfficiency, bit for bit', () => {
    const r = pairedBootstrap(y, [a, b, c], { signalEfficiency: effS, nBoot: 20, seed: 1 });
    [a, b, c].forEach((s, k) => {
      expect(r.auc[k]).toBe(rocAuc(y, s));
      const bs = backgroundAtSignalEfficiency(y, s, effS);
      effS.forEach((_, t) => expect(r.rejection[k]![t]).toBe(bs[t]!.rejection));
    });
    expect(r.pairs.map((p) => [p.a, p.b])).toEqual([
      [0, 1],
      [0, 2],
      [1, 2],
    ]);
    expect(r.pairs[1]!.auc.value).toBe(r.auc[0]! - r.auc[2]!);
    expect(r.models[2]!.auc.value).toBe(r.auc[2]);
    expect(r.models[1]!.rejection[0]!.value).toBe(r.rejection[1]![0]);
    expect(r.pairs[2]!.rejection[1]!.value).toBe(r.rejection[1]![1]! - r.rejection[2]![1]!);
  });

  it('is reproducible from its seed, and another seed gives another interval', () => {
    const x = pairedBootstrap(y, [a, c], { signalEfficiency: effS, nBoot: 200, seed: 5 });
    const again = pairedBootstrap(y, [a, c], { signalEfficiency: effS, nBoot: 200, seed: 5 });
    expect(again.pairs).toEqual(x.pairs);
    expect(pairedBootstrap(y, [a, c], { signalEfficiency: effS, nBoot: 200, seed: 6 }).pairs[0]!.auc.lower).not.toBe(x.pairs[0]!.auc.lower);
    const p = x.pairs[0]!;
    expect(p.auc.lower).toBeLessThan(p.auc.value);
    expect(p.auc.upper).toBeGreaterThan(p.auc.value);
  });

  it("its intervals are as wide as DeLong's: the difference (paired) and each AUC (both estimate one variance)", () => {
    const r = pairedBootstrap(y, [a, c], { nBoot: 2000, seed: 9 });
    const bs = r.pairs[0]!.auc;
    const dl = pairedDelong(y, a, c);
    const ratio = (bs.upper - bs.lower) / (dl.upper - dl.lower);
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
    const one = r.models[1]!.auc, ci = delongAuc(y, c);
    const r1 = (one.upper - one.lower) / (ci.upper - ci.lower);
    expect(r1).toBeGreaterThan(0.85);
    expect(r1).toBeLessThan(1.15);
    // ignoring the pairing would overstate the spread of the difference: the two AUCs are correlated
    expect(bs.upper - bs.lower).toBeLessThan(Math.hypot(r.models[0]!.auc.upper - r.models[0]!.auc.lower, one.upper - one.lower));
  });

  it('integer weights count as repeated events in the point values; identical classifiers differ by exactly 0', () => {
    const w = Array.from(y, (_, i) => 1 + (i % 3));
    const r = pairedBootstrap(y, [a, b], { weights: w, signalEfficiency: effS, nBoot: 30, seed: 2 });
    expect(r.auc[0]).toBeCloseTo(rocAuc(y, a, { weights: w }), 14);
    const same = pairedBootstrap(y, [a, a], { signalEfficiency: effS, nBoot: 30, seed: 2 }).pairs[0]!;
    expect([same.auc.lower, same.auc.upper, same.rejection[0]!.lower, same.rejection[0]!.upper]).toEqual([0, 0, 0, 0]);
  });

  it('refuses one classifier, too few replicates and efficiencies outside [0, 1]', () => {
    expect(errorText(() => pairedBootstrap(y, [a]))).toBe("INVALID_ARGUMENT: a paired comparison needs at least 2 classifiers' scores, got 1");
    expect(errorText(() => pairedBootstrap(y, [a, b], { nBoot: 1 }))).toBe('INVALID_ARGUMENT: nBoot is 1; expected an integer ≥ 2');
    expect(errorText(() => pairedBootstrap(y, [a, b], { signalEfficiency: [1.5] }))).toBe('INVALID_ARGUMENT: signalEfficiency[0] is 1.5; an efficiency must lie in [0, 1]');
    expect(errorText(() => pairedBootstrap(y, [a, b.subarray(1)]))).toBe('INVALID_ARGUMENT: scores[1] has 899 entries but yTrue has 900; they must have the same length');
    expect(errorText(() => pairedBootstrap([1, 1, 1], [[1, 2, 3], [3, 2, 1]]))).toBe('LABEL_INVALID: a paired bootstrap needs both classes in yTrue, but only the positive class is present (3 samples)');
    // background weights summing to 0 on the whole sample
    expect(errorText(() => pairedBootstrap([1, 1, 0, 0], [[4, 3, 2, 1], [1, 2, 3, 4]], { weights: [1, 1, 1, -1] }))).toBe('DATA_INVALID: scores[0]: the total weight of the negative class is 0; it must be positive');
  });

  it('leaves out the draws in which negative weights leave a class without a positive total, for every classifier, and refuses more than 5 % of them', () => {
    // 40 signal events, one of weight −12 (total 28): a draw holding it 4 times or more (~2 % of them) has a total ≤ 0
    const y3 = Array.from({ length: 80 }, (_, i) => (i < 40 ? 1 : 0));
    const s3 = Array.from({ length: 80 }, (_, i) => (i < 40 ? 0.5 : 0) + ((i * 37) % 80) / 80);
    const t3 = Array.from({ length: 80 }, (_, i) => (i < 40 ? 0.3 : 0) + ((i * 11) % 80) / 80);
    const w3 = Array.from({ length: 80 }, (_, i) => (i === 7 ? -12 : 1));
    const r = pairedBootstrap(y3, [s3, t3], { nBoot: 1000, seed: 6, weights: w3, signalEfficiency: [0.5] });
    expect(r.dropped).toBeGreaterThan(0);
    expect(r.dropped).toBeLessThanOrEqual(50);
    const intervals = [r.pairs[0]!.auc, r.pairs[0]!.rejection[0]!, ...r.models.flatMap((m) => [m.auc, m.rejection[0]!])];
    for (const d of intervals) expect(Number.isFinite(d.lower) && Number.isFinite(d.upper) && d.lower <= d.upper, JSON.stringify(d)).toBe(true);
    // the point values are the whole sample's, whatever was dropped
    expect(r.auc[0]).toBe(rocAuc(y3, s3, { weights: w3 }));
    expect(r.dropped).toBe(pairedBootstrap(y3, [t3, s3], { nBoot: 1000, seed: 6, weights: w3 }).dropped);
    // unweighted, nothing is ever dropped
    expect(pairedBootstrap(y3, [s3, t3], { nBoot: 200, seed: 6 }).dropped).toBe(0);
    // weight −25 (total 15): a draw holding it twice or more (~26 %) has a total ≤ 0
    const w4 = w3.map((v) => (v < 0 ? -25 : v));
    expect(errorText(() => pairedBootstrap(y3, [s3, t3], { nBoot: 400, seed: 6, weights: w4 }))).toMatch(
      /^DATA_INVALID: paired bootstrap: in \d+ of 400 replicates a class's drawn event weights summed to ≤ 0 \(the negative weights outweigh the positive ones in many draws\), so the percentile intervals are not defined; use weights with a clearly positive total in each class$/,
    );
  });

  it('stops when cancelled', () => {
    expect(errorText(() => pairedBootstrap(y, [a, b], { signal: { aborted: true, reason: 'SIGINT' } }))).toMatch(/^INTERRUPTED/);
  });
});
