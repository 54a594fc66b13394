// Realistic synthetic inputs for the plot tests and the gallery: Gaussian scores, a ROC curve computed from
// them, a 3-class confusion matrix, loss curves, Old-Faithful-like clusters and the Gaussian worked example.
import { createRng } from '@discern/linalg';
import { type ClusterPlotInput } from '../plots/cluster.js';
import { type ScoreSample } from '../plots/scores.js';

export function gaussianScores(seed: number, n: number, shift = 0, separation = 1.2): ScoreSample {
  const rng = createRng(seed);
  const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
  return {
    signal: Array.from({ length: n }, () => sigmoid(separation + shift + 1.1 * rng.normal())),
    background: Array.from({ length: n }, () => sigmoid(-separation + shift + 1.1 * rng.normal())),
  };
}

/** The worked example's simulated sample: n events of C1 ~ N(0, 1), then n of C2 ~ N(1, 1). */
export function workedExampleSample(seed: number, n: number): { statistic: number[]; isC2: number[] } {
  const rng = createRng(seed);
  const statistic = [...Array.from({ length: n }, () => rng.normal()), ...Array.from({ length: n }, () => 1 + rng.normal())];
  return { statistic, isC2: statistic.map((_, i) => (i < n ? 0 : 1)) };
}

/** ROC points from scores (threshold at every distinct score), as metrics' rocCurve would give them. */
export function rocFromScores(s: ScoreSample): { fpr: number[]; tpr: number[]; auc: number } {
  const ev = [...Array.from(s.signal, (v) => ({ v, y: 1 })), ...Array.from(s.background, (v) => ({ v, y: 0 }))].sort((a, b) => b.v - a.v);
  const nS = s.signal.length;
  const nB = s.background.length;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i]!;
    if (e.y === 1) tp++;
    else {
      fp++;
      auc += tp / nS / nB;
    }
    if (i === ev.length - 1 || ev[i + 1]!.v !== e.v) {
      fpr.push(fp / nB);
      tpr.push(tp / nS);
    }
  }
  return { fpr, tpr, auc };
}

export function faithfulLike(seed: number): ClusterPlotInput {
  const rng = createRng(seed);
  const x: number[] = [];
  const y: number[] = [];
  const group: string[] = [];
  const comps = [
    { name: 'Component 1', n: 97, mx: 2.04, my: 54.5, sx: 0.27, sy: 5.9, rho: 0.17 },
    { name: 'Component 2', n: 175, mx: 4.29, my: 80.0, sx: 0.41, sy: 5.9, rho: 0.45 },
  ];
  for (const c of comps) {
    for (let i = 0; i < c.n; i++) {
      const z1 = rng.normal();
      const z2 = rng.normal();
      x.push(c.mx + c.sx * z1);
      y.push(c.my + c.sy * (c.rho * z1 + Math.sqrt(1 - c.rho * c.rho) * z2));
      group.push(c.name);
    }
  }
  return {
    x,
    y,
    group,
    xTitle: 'Eruption duration (min)',
    yTitle: 'Waiting time to next eruption (min)',
    title: 'Old Faithful: Gaussian mixture, 2 components',
    ellipses: comps.map((c) => ({
      name: c.name,
      mean: [c.mx, c.my] as const,
      cov: [
        [c.sx * c.sx, c.rho * c.sx * c.sy],
        [c.rho * c.sx * c.sy, c.sy * c.sy],
      ] as const,
      weight: c.n / 272,
    })),
  };
}
