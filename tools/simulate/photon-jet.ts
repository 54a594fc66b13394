/**
 * Simulated prompt photons (signal) against hadronic jets faking photons (background), with the three classic
 * discriminating variables of CMS/ATLAS photon identification: H/E, the shower width σiηiη and the isolation sum.
 *
 * The distributions are physically *shaped* (right supports, right orders of magnitude, right qualitative behaviour,
 * a photon-like component among the fakes) but not fitted to real detector data; see docs/simulators.md.
 *
 *   npx tsx tools/simulate/photon-jet.ts --n 20000 --signal-fraction 0.5 --seed 42 --out data/photon-jet.csv
 */
import { createRng } from '@discern/linalg';
import type { Rng } from '@discern/linalg';
import { emitCsv, exponential, gamma, numberArg, parseArgs, round8, standardSkewNormal, toCsv, runIfEntry } from './common.js';
import type { SimulatedSample } from './common.js';

export { toCsv, toRows } from './common.js';
export type { SimulatedSample } from './common.js';

/** Label of the signal class (prompt photons) and of the background class (jets faking photons). */
export const PHOTON = 'photon';
export const JET = 'jet';

/**
 * Every number that shapes the sample, with what it shapes and why. Energies and momenta in GeV; σiηiη in
 * barrel crystal units (the ECAL barrel crystal is 0.0174 wide in η, so a single EM shower has σiηiη ≈ 0.01).
 */
export const PHOTON_JET_PARAMETERS = {
  /** Pile-up pedestal added to every candidate's isolation sum: Gamma(shape, scale), mean 0.5 GeV. Energy from
   *  simultaneous soft collisions lands in the ΔR < 0.3 cone whatever the candidate is, so photons and jets share it. */
  pileup: { shape: 2, scale: 0.25 },

  photon: {
    /** H/E: a prompt photon deposits (almost) everything in the ECAL; most have no HCAL tower above threshold behind
     *  the cluster (H/E = 0 exactly), the rest leak a little (late showers, noise): exponential tail with mean 0.012. */
    hoe: { zeroFraction: 0.55, tailMean: 0.012 },
    /** σiηiη: one electromagnetic shower is narrow; Gaussian-like around 0.0095 with sd 0.0008 and a slight right
     *  tail (converted photons and early showering widen the cluster): skew-normal with shape α, standardised so
     *  that mean and sd are exactly these. */
    sieie: { mean: 0.0095, sd: 0.0008, skewShape: 2 },
    /** Isolation: a prompt photon from the hard process is isolated; beyond the pile-up pedestal only the
     *  underlying event contributes, exponential with mean 0.5 GeV (total mean with the pedestal 1.0 GeV). */
    iso: { intrinsicMean: 0.5 },
    /** pₜ spectrum: power law dN/dpₜ ∝ pₜ^(−index) on [min, max], as from a falling parton luminosity. */
    pt: { min: 25, max: 1000, index: 4.5 },
  },

  jet: {
    /** Fraction of fakes that look like photons: jets whose energy is carried by one leading π⁰ → γγ (or η → γγ),
     *  with little else around it. Their shower is almost as narrow as a photon's and their hadronic activity low:
     *  they are the irreducible background and set how hard the sample is. */
    photonLikeFraction: 0.25,
    /** Latent hadronic activity a of the jet, shared by H/E and isolation (the source of their correlation):
     *  a = g·s with g ~ Gamma(shape, 1/shape) (mean 1, variance 1/shape), s = 1 for ordinary jets and
     *  photonLikeScale for photon-like ones (their charged hadrons and neutral hadrons carry little energy). */
    activity: { shape: 2, photonLikeScale: 0.25 },
    /** H/E: hadrons in the jet reach the HCAL; none above threshold with probability zeroFraction, otherwise
     *  exponential with mean tailMeanPerActivity·a (tail mean 0.06 for an ordinary jet, 0.015 for a photon-like one). */
    hoe: { zeroFraction: 0.25, tailMeanPerActivity: 0.06 },
    /** σiηiη: ordinary fakes have two merged photons from a π⁰ plus nearby particles, so a wider cluster
     *  (mean 0.0122, sd 0.0018, right skew); photon-like fakes are only slightly wider than a real photon. */
    sieie: {
      ordinary: { mean: 0.0122, sd: 0.0018, skewShape: 3 },
      photonLike: { mean: 0.01, sd: 0.0009, skewShape: 2 },
    },
    /** Isolation: the other particles of the jet fall in the cone, Gamma(shape, scalePerActivity·a) on top of the
     *  pile-up pedestal: mean 9.6 + 0.5 GeV for an ordinary jet, 2.4 + 0.5 GeV for a photon-like one, 8.3 GeV over
     *  all jets. Gamma with shape 1.5 gives the long right tail of non-isolated fakes. */
    iso: { shape: 1.5, scalePerActivity: 6.4 },
    /** pₜ spectrum: QCD jets fall more steeply than prompt photons at these momenta. */
    pt: { min: 25, max: 1000, index: 5.5 },
  },

  /** Optional generator weights (weights: 'generator'): NLO generators emit events of either sign with a spread of
   *  magnitudes; sign −1 with probability negativeFraction, magnitude log-normal exp(σz − σ²/2) (mean 1). They are
   *  independent of the features, so weighted distributions equal unweighted ones in expectation (scaled by 1 − 2·f₋). */
  generatorWeights: { negativeFraction: 0.05, logSigma: 0.3 },
} as const;

export type PhotonJetParameters = typeof PHOTON_JET_PARAMETERS;

export interface PhotonJetOptions {
  /** Number of events. */
  readonly n: number;
  /** Probability that an event is a photon (each event's class is an independent Bernoulli draw). Default 0.5. */
  readonly signalFraction?: number;
  /** Seed of the stream; one seed gives one sample on every platform. */
  readonly seed: number;
  /** Add the `pt` column (not meant as a feature: configs should list their features). Default true. */
  readonly includePt?: boolean;
  /** `unit`: every weight is 1 (default); `generator`: signed, log-normally spread generator weights. */
  readonly weights?: 'unit' | 'generator';
}

/** The feature columns, in file order; `pt` and `weight` follow when present, then `label`. */
export const PHOTON_JET_FEATURES = ['hoe', 'sieie', 'iso'] as const;

/** Truncated power law dN/dx ∝ x^(−index) on [min, max] by inverse CDF. */
function powerLaw(rng: Rng, p: { readonly min: number; readonly max: number; readonly index: number }): number {
  const k = p.index - 1;
  const tail = Math.pow(p.min / p.max, k);
  return p.min * Math.pow(1 - rng.uniform() * (1 - tail), -1 / k);
}

function skewNormal(rng: Rng, p: { readonly mean: number; readonly sd: number; readonly skewShape: number }): number {
  return p.mean + p.sd * standardSkewNormal(rng, p.skewShape);
}

/** Simulate the sample. Columns: hoe, sieie, iso, [pt], weight; labels `photon` / `jet`. */
export function simulatePhotonJet(options: PhotonJetOptions): SimulatedSample {
  const { n, seed } = options;
  const f = options.signalFraction ?? 0.5;
  const includePt = options.includePt ?? true;
  const weightMode = options.weights ?? 'unit';
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!(f >= 0 && f <= 1)) throw new RangeError(`signalFraction must lie in [0, 1], got ${f}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (weightMode !== 'unit' && weightMode !== 'generator') throw new RangeError(`weights must be "unit" or "generator", got ${String(weightMode)}`);

  const P = PHOTON_JET_PARAMETERS;
  const root = createRng(seed);
  // One child stream per concern, so e.g. the photon features do not move when the signal fraction does.
  const classRng = root.fork('class');
  const pileupRng = root.fork('pileup');
  const photonRng = root.fork('photon');
  const jetRng = root.fork('jet');
  const ptRng = root.fork('pt');
  const weightRng = root.fork('weight');

  const hoe = new Float64Array(n);
  const sieie = new Float64Array(n);
  const iso = new Float64Array(n);
  const pt = new Float64Array(n);
  const weight = new Float64Array(n);
  const labels: string[] = new Array<string>(n);

  for (let i = 0; i < n; i++) {
    const isPhoton = classRng.uniform() < f;
    const pileup = gamma(pileupRng, P.pileup.shape, P.pileup.scale);
    if (isPhoton) {
      const g = P.photon;
      hoe[i] = photonRng.uniform() < g.hoe.zeroFraction ? 0 : exponential(photonRng, g.hoe.tailMean);
      sieie[i] = skewNormal(photonRng, g.sieie);
      iso[i] = pileup + exponential(photonRng, g.iso.intrinsicMean);
      pt[i] = powerLaw(ptRng, g.pt);
      labels[i] = PHOTON;
    } else {
      const j = P.jet;
      const photonLike = jetRng.uniform() < j.photonLikeFraction;
      const activity = gamma(jetRng, j.activity.shape, 1 / j.activity.shape) * (photonLike ? j.activity.photonLikeScale : 1);
      hoe[i] = jetRng.uniform() < j.hoe.zeroFraction ? 0 : exponential(jetRng, j.hoe.tailMeanPerActivity * activity);
      sieie[i] = skewNormal(jetRng, photonLike ? j.sieie.photonLike : j.sieie.ordinary);
      iso[i] = pileup + gamma(jetRng, j.iso.shape, j.iso.scalePerActivity * activity);
      pt[i] = powerLaw(ptRng, j.pt);
      labels[i] = JET;
    }
    if (weightMode === 'generator') {
      const w = P.generatorWeights;
      const sign = weightRng.uniform() < w.negativeFraction ? -1 : 1;
      weight[i] = sign * Math.exp(w.logSigma * weightRng.normal() - (w.logSigma * w.logSigma) / 2);
    } else {
      weight[i] = 1;
    }
  }

  const columns: string[] = [...PHOTON_JET_FEATURES];
  const data: Float64Array[] = [hoe, sieie, iso];
  if (includePt) {
    columns.push('pt');
    data.push(pt);
  }
  columns.push('weight');
  data.push(weight);
  for (const col of data) for (let i = 0; i < n; i++) col[i] = round8(col[i]!);
  return { columns, data, labels };
}

/** Mean and standard deviation of one feature in one class, as implied by the parameters. */
export interface Moment {
  readonly mean: number;
  readonly sd: number;
}

/**
 * The exact means and standard deviations of hoe, sieie and iso per class implied by the parameters (worked out in
 * docs/simulators.md), and the jets' hoe–iso correlation. The tests hold the simulated sample to these.
 */
export function photonJetMoments(P: PhotonJetParameters = PHOTON_JET_PARAMETERS): {
  photon: Record<'hoe' | 'sieie' | 'iso', Moment>;
  jet: Record<'hoe' | 'sieie' | 'iso', Moment> & { hoeIsoCorrelation: number };
} {
  const puMean = P.pileup.shape * P.pileup.scale;
  const puVar = P.pileup.shape * P.pileup.scale ** 2;

  const g = P.photon;
  const q = 1 - g.hoe.zeroFraction;
  const m = g.hoe.tailMean;
  const photon = {
    hoe: { mean: q * m, sd: Math.sqrt(2 * q * m * m - (q * m) ** 2) },
    sieie: { mean: g.sieie.mean, sd: g.sieie.sd },
    iso: { mean: puMean + g.iso.intrinsicMean, sd: Math.sqrt(puVar + g.iso.intrinsicMean ** 2) },
  };

  const j = P.jet;
  const f = j.photonLikeFraction;
  const s = j.activity.photonLikeScale;
  const A1 = 1 - f + f * s; // E[a]
  const A2 = (1 + 1 / j.activity.shape) * (1 - f + f * s * s); // E[a²]
  const qj = 1 - j.hoe.zeroFraction;
  const mh = j.hoe.tailMeanPerActivity;
  const hoeMean = qj * mh * A1;
  const hoeVar = 2 * qj * mh * mh * A2 - hoeMean ** 2;
  const k = j.iso.shape;
  const th = j.iso.scalePerActivity;
  const isoMean = puMean + k * th * A1;
  const isoVar = puVar + k * th * th * A2 + k * k * th * th * (A2 - A1 * A1);
  const cov = qj * mh * k * th * (A2 - A1 * A1);
  const o = j.sieie.ordinary;
  const pl = j.sieie.photonLike;
  const sieieMean = (1 - f) * o.mean + f * pl.mean;
  const sieieVar = (1 - f) * o.sd ** 2 + f * pl.sd ** 2 + f * (1 - f) * (o.mean - pl.mean) ** 2;
  return {
    photon,
    jet: {
      hoe: { mean: hoeMean, sd: Math.sqrt(hoeVar) },
      sieie: { mean: sieieMean, sd: Math.sqrt(sieieVar) },
      iso: { mean: isoMean, sd: Math.sqrt(isoVar) },
      hoeIsoCorrelation: cov / Math.sqrt(hoeVar * isoVar),
    },
  };
}

const USAGE = `usage: npx tsx tools/simulate/photon-jet.ts [--n 20000] [--signal-fraction 0.5] [--seed 42]
       [--out FILE] [--no-pt] [--weights unit|generator]
Writes the CSV to FILE (default: standard output).`;

/** The command line; returns the exit code. */
export function main(argv: readonly string[]): number {
  const args = parseArgs(argv, { n: 'string', 'signal-fraction': 'string', seed: 'string', out: 'string', pt: 'boolean', weights: 'string' }, USAGE);
  if (args.get('help') === true) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const weights = args.get('weights') ?? 'unit';
  if (weights !== 'unit' && weights !== 'generator') throw new Error(`--weights expects unit or generator, got "${String(weights)}"`);
  const sample = simulatePhotonJet({
    n: numberArg(args, 'n', { integer: true }) ?? 20000,
    signalFraction: numberArg(args, 'signal-fraction') ?? 0.5,
    seed: numberArg(args, 'seed', { integer: true }) ?? 42,
    includePt: args.get('pt') !== false,
    weights,
  });
  const csv = toCsv(sample);
  const out = args.get('out');
  const nPhoton = sample.labels.filter((l) => l === PHOTON).length;
  return emitCsv(csv, out, `${sample.labels.length} events (${nPhoton} photons, ${sample.labels.length - nPhoton} jets)`);
}

runIfEntry(import.meta.url, main);
