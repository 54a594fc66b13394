import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatNumber, round8, skewNormalSkewness } from './common.js';
import type { SimulatedSample } from './common.js';
import { auc, fitLogistic } from './difficulty.js';
import { C1, C2, main as gaussianMain, simulateGaussian } from './gaussian.js';
import {
  JET,
  PHOTON,
  PHOTON_JET_PARAMETERS as P,
  main as photonJetMain,
  photonJetMoments,
  simulatePhotonJet,
  toCsv,
} from './photon-jet.js';

const dataFile = (name: string): string => fileURLToPath(new URL(`../../data/${name}`, import.meta.url));

/** The committed files and the exact commands of data/README.md. */
const PHOTON_JET_COMMAND = { n: 20000, signalFraction: 0.5, seed: 42 } as const;
const GAUSSIAN_COMMAND = { nPerClass: 20000, seed: 7 } as const;

function column(s: SimulatedSample, name: string): Float64Array {
  const j = s.columns.indexOf(name);
  if (j < 0) throw new Error(`no column ${name}`);
  return s.data[j]!;
}

function select(s: SimulatedSample, name: string, label: string): number[] {
  const col = column(s, name);
  return s.labels.flatMap((l, i) => (l === label ? [col[i]!] : []));
}

/** Sample mean, variance (n − 1), the standard error of the mean, and that of the variance from the 4th moment. */
function moments(xs: readonly number[]): { mean: number; variance: number; seMean: number; seVariance: number; skewness: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const variance = (m2 * n) / (n - 1);
  // Var(s²) ≈ (μ₄ − σ⁴)/n, valid for any distribution with a finite 4th moment.
  return { mean, variance, seMean: Math.sqrt(variance / n), seVariance: Math.sqrt((m4 - m2 * m2) / n), skewness: m3 / m2 ** 1.5 };
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, x) => s + x, 0) / a.length;
  const mb = b.reduce((s, x) => s + x, 0) / b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** |observed − expected| within k binomial standard deviations of a fraction p out of n. */
function expectFraction(count: number, n: number, p: number, k = 4): void {
  const sd = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(count / n - p), `fraction ${count}/${n} vs ${p} (±${k}σ = ${k * sd})`).toBeLessThan(k * sd);
}

describe('number format', () => {
  it('writes 8 significant digits, shortest form, and round-trips', () => {
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(1)).toBe('1');
    expect(formatNumber(0.0095123456789)).toBe('0.0095123457');
    expect(formatNumber(123456789)).toBe('123456790');
    expect(formatNumber(-1.5e-7)).toBe('-1.5e-7');
    for (const x of [Math.PI, 1 / 3, 1e-12, 6.02214076e23, -2.5]) expect(Number(formatNumber(x))).toBe(round8(x));
    expect(() => formatNumber(Number.NaN)).toThrow(/non-finite/);
  });
});

describe('photon–jet simulator', () => {
  const sample = simulatePhotonJet(PHOTON_JET_COMMAND);
  const photons = sample.labels.filter((l) => l === PHOTON).length;
  const jets = sample.labels.length - photons;

  it('is deterministic for a seed and changes with the seed', () => {
    const csv = toCsv(sample);
    expect(toCsv(simulatePhotonJet(PHOTON_JET_COMMAND))).toBe(csv);
    expect(toCsv(simulatePhotonJet({ ...PHOTON_JET_COMMAND, seed: 43 }))).not.toBe(csv);
  });

  it('equals the committed data/photon-jet.csv byte for byte', () => {
    expect(readFileSync(dataFile('photon-jet.csv'), 'utf8')).toBe(toCsv(sample));
  });

  it('has the documented columns and labels', () => {
    expect(sample.columns).toEqual(['hoe', 'sieie', 'iso', 'pt', 'weight']);
    expect(toCsv(simulatePhotonJet({ n: 3, seed: 1 })).split('\n', 1)[0]).toBe('hoe,sieie,iso,pt,weight,label');
    expect(new Set(sample.labels)).toEqual(new Set([PHOTON, JET]));
    expect(simulatePhotonJet({ n: 10, seed: 1, includePt: false }).columns).toEqual(['hoe', 'sieie', 'iso', 'weight']);
  });

  it('draws the signal fraction (Bernoulli, within 4σ)', () => {
    expectFraction(photons, sample.labels.length, 0.5);
    const s = simulatePhotonJet({ n: 20000, signalFraction: 0.2, seed: 3 });
    expectFraction(s.labels.filter((l) => l === PHOTON).length, 20000, 0.2);
    expect(simulatePhotonJet({ n: 50, signalFraction: 1, seed: 3 }).labels.every((l) => l === PHOTON)).toBe(true);
    expect(simulatePhotonJet({ n: 50, signalFraction: 0, seed: 3 }).labels.every((l) => l === JET)).toBe(true);
  });

  it('keeps every value finite and inside its physical range', () => {
    const ranges: Record<string, [number, number]> = {
      hoe: [0, 5], // H/E ≥ 0; 5 would take an activity far beyond the Gamma tail
      sieie: [0.003, 0.04], // a shower narrower than a fraction of a crystal, or wider than a few, is unphysical here
      iso: [0, 500],
      pt: [P.photon.pt.min, P.photon.pt.max],
      weight: [1, 1],
    };
    for (const [name, [lo, hi]] of Object.entries(ranges)) {
      // NaN fails the comparison too
      const bad = column(sample, name).find((v) => !(v >= lo && v <= hi));
      expect(bad, `${name} = ${bad} outside [${lo}, ${hi}]`).toBeUndefined();
    }
    // iso includes a strictly positive pile-up pedestal
    expect(Math.min(...column(sample, 'iso'))).toBeGreaterThan(0);
  });

  it('matches the documented means (3 standard errors) and variances (4 standard errors) per class', () => {
    const expected = photonJetMoments();
    for (const [label, cls] of [[PHOTON, expected.photon], [JET, expected.jet]] as const) {
      for (const feature of ['hoe', 'sieie', 'iso'] as const) {
        const m = moments(select(sample, feature, label));
        const want = cls[feature];
        const where = `${label} ${feature}: mean ${m.mean} vs ${want.mean}, variance ${m.variance} vs ${want.sd ** 2}`;
        expect(Math.abs(m.mean - want.mean), where).toBeLessThan(3 * m.seMean);
        expect(Math.abs(m.variance - want.sd ** 2), where).toBeLessThan(4 * m.seVariance);
      }
    }
    // The documented headline numbers the docs quote.
    expect(expected.photon.sieie).toEqual({ mean: 0.0095, sd: 0.0008 });
    expect(expected.photon.iso.mean).toBeCloseTo(1.0, 12);
    expect(expected.jet.iso.mean).toBeCloseTo(8.3, 12);
    expect(expected.jet.sieie.mean).toBeCloseTo(0.01165, 12);
  });

  it('puts the documented fraction of events at H/E = 0', () => {
    const zeros = (label: string): number => select(sample, 'hoe', label).filter((v) => v === 0).length;
    expectFraction(zeros(PHOTON), photons, P.photon.hoe.zeroFraction);
    expectFraction(zeros(JET), jets, P.jet.hoe.zeroFraction);
  });

  it('gives photon σiηiη its slight right skew', () => {
    const m = moments(select(sample, 'sieie', PHOTON));
    const want = skewNormalSkewness(P.photon.sieie.skewShape); // 0.454 for α = 2
    // SE of the sample skewness ≈ √(6/n) for a near-normal sample
    expect(Math.abs(m.skewness - want)).toBeLessThan(4 * Math.sqrt(6 / photons));
  });

  it('correlates H/E and isolation for jets through their activity, not for photons', () => {
    const rJet = correlation(select(sample, 'hoe', JET), select(sample, 'iso', JET));
    const rPhoton = correlation(select(sample, 'hoe', PHOTON), select(sample, 'iso', PHOTON));
    // Heavy tails make the correlation's SE several times 1/√n; 0.06 is about 4 of them for these jets.
    expect(Math.abs(rJet - photonJetMoments().jet.hoeIsoCorrelation)).toBeLessThan(0.06);
    expect(rJet).toBeGreaterThan(0.15);
    expect(Math.abs(rPhoton)).toBeLessThan(4 / Math.sqrt(photons));
  });

  it('adds signed generator weights without moving the features', () => {
    const weighted = simulatePhotonJet({ ...PHOTON_JET_COMMAND, weights: 'generator' });
    for (const name of ['hoe', 'sieie', 'iso', 'pt']) expect(column(weighted, name)).toEqual(column(sample, name));
    expect(weighted.labels).toEqual(sample.labels);
    const w = column(weighted, 'weight');
    expectFraction(w.filter((v) => v < 0).length, w.length, P.generatorWeights.negativeFraction);
    const meanAbs = w.reduce((s, v) => s + Math.abs(v), 0) / w.length;
    expect(Math.abs(meanAbs - 1)).toBeLessThan(4 * (Math.sqrt(Math.expm1(P.generatorWeights.logSigma ** 2)) / Math.sqrt(w.length)));
  });

  it('is realistically hard: logistic regression AUC between 0.93 and 0.97 on held-out events', () => {
    const y = sample.labels.map((l) => l === PHOTON);
    const X = ['hoe', 'sieie', 'iso'].map((name) => {
      const c = column(sample, name);
      const m = moments([...c]);
      return c.map((v) => (v - m.mean) / Math.sqrt(m.variance));
    });
    const idx = Array.from({ length: y.length }, (_, i) => i);
    const train = idx.filter((i) => i % 2 === 0);
    const test = idx.filter((i) => i % 2 === 1);
    const w = fitLogistic(X, y, train);
    const score = test.map((i) => w[0]! + X.reduce((s, col, k) => s + w[k + 1]! * col[i]!, 0));
    const a = auc(score, test.map((i) => y[i]!));
    expect(a).toBeGreaterThan(0.93);
    expect(a).toBeLessThan(0.97);
  });

  it('rejects bad options', () => {
    expect(() => simulatePhotonJet({ n: -1, seed: 1 })).toThrow(/n must be/);
    expect(() => simulatePhotonJet({ n: 1, seed: 1, signalFraction: 1.5 })).toThrow(/signalFraction/);
    expect(() => simulatePhotonJet({ n: 1, seed: 1.5 })).toThrow(/seed/);
  });
});

describe('auc helper', () => {
  it('is the Mann–Whitney statistic with ties counted one half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75, 12);
    expect(auc([1, 1, 1, 1], [false, true, false, true])).toBeCloseTo(0.5, 12);
  });
});

describe('Gaussian Neyman–Pearson sample', () => {
  const sample = simulateGaussian(GAUSSIAN_COMMAND);

  it('is deterministic for a seed and changes with the seed', () => {
    const csv = toCsv(sample);
    expect(toCsv(simulateGaussian(GAUSSIAN_COMMAND))).toBe(csv);
    expect(toCsv(simulateGaussian({ ...GAUSSIAN_COMMAND, seed: 8 }))).not.toBe(csv);
  });

  it('equals the committed data/gaussian-np.csv byte for byte', () => {
    expect(readFileSync(dataFile('gaussian-np.csv'), 'utf8')).toBe(toCsv(sample));
  });

  it('has n per class, column x, and the classes mixed in order', () => {
    expect(sample.columns).toEqual(['x']);
    expect(sample.labels.filter((l) => l === C1)).toHaveLength(20000);
    expect(sample.labels.filter((l) => l === C2)).toHaveLength(20000);
    // not sorted by class: the first 1000 rows hold both classes in roughly equal numbers
    expectFraction(sample.labels.slice(0, 1000).filter((l) => l === C1).length, 1000, 0.5);
    expect(sample.data[0]!.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('has per-class mean and variance within 4 standard errors of (0, 1) and (1, 1)', () => {
    for (const [label, mu] of [[C1, 0], [C2, 1]] as const) {
      const m = moments(select(sample, 'x', label));
      expect(Math.abs(m.mean - mu), `${label} mean ${m.mean}`).toBeLessThan(4 * Math.sqrt(1 / 20000));
      // for a normal sample Var(s²) = 2σ⁴/(n − 1)
      expect(Math.abs(m.variance - 1), `${label} variance ${m.variance}`).toBeLessThan(4 * Math.sqrt(2 / 19999));
    }
  });

  it('reproduces the worked example’s rates: P(x > 0 | C1) = 0.5, P(x > 0 | C2) = 0.8413, P(x < ½ | C2) = Q(½)', () => {
    const c1 = select(sample, 'x', C1);
    const c2 = select(sample, 'x', C2);
    expectFraction(c1.filter((x) => x > 0).length, c1.length, 0.5);
    expectFraction(c2.filter((x) => x > 0).length, c2.length, 0.841344746068543);
    expectFraction(c1.filter((x) => x > 0.5).length, c1.length, 0.308537538725987);
    expectFraction(c2.filter((x) => x < 0.5).length, c2.length, 0.308537538725987);
  });

  it('honours mu0, mu1 and sigma', () => {
    const s = simulateGaussian({ nPerClass: 20000, seed: 11, mu0: -2, mu1: 3, sigma: 0.5 });
    for (const [label, mu] of [[C1, -2], [C2, 3]] as const) {
      const m = moments(select(s, 'x', label));
      expect(Math.abs(m.mean - mu)).toBeLessThan(4 * 0.5 * Math.sqrt(1 / 20000));
      expect(Math.abs(m.variance - 0.25)).toBeLessThan(4 * 0.25 * Math.sqrt(2 / 19999));
    }
    // C1's stream does not depend on μ₁
    const a = simulateGaussian({ nPerClass: 100, seed: 5, mu1: 1 });
    const b = simulateGaussian({ nPerClass: 100, seed: 5, mu1: 4 });
    expect(select(a, 'x', C1)).toEqual(select(b, 'x', C1));
    expect(() => simulateGaussian({ seed: 1, sigma: 0 })).toThrow(/sigma/);
  });
});

describe('command lines', () => {
  it('write exactly what the library returns, and reject unknown options', () => {
    const dir = mkdtempSync(join(tmpdir(), 'discern-sim-'));
    const log = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      const pj = join(dir, 'pj.csv');
      expect(photonJetMain(['--n', '300', '--signal-fraction=0.3', '--seed', '5', '--no-pt', '--weights', 'generator', '--out', pj])).toBe(0);
      expect(readFileSync(pj, 'utf8')).toBe(toCsv(simulatePhotonJet({ n: 300, signalFraction: 0.3, seed: 5, includePt: false, weights: 'generator' })));
      const g = join(dir, 'g.csv');
      expect(gaussianMain(['--n', '50', '--seed', '2', '--mu0', '-1', '--mu1', '2', '--sigma', '3', '--out', g])).toBe(0);
      expect(readFileSync(g, 'utf8')).toBe(toCsv(simulateGaussian({ nPerClass: 50, seed: 2, mu0: -1, mu1: 2, sigma: 3 })));
    } finally {
      process.stderr.write = log;
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => photonJetMain(['--signal-fraktion', '0.5'])).toThrow(/unknown option --signal-fraktion/);
    expect(() => gaussianMain(['--n', '1.5'])).toThrow(/--n expects an integer/);
    expect(() => photonJetMain(['--weights', 'nlo'])).toThrow(/unit or generator/);
  });
});
