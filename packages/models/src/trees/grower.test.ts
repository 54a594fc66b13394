import { createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { binRows, fitBins } from './binning.js';
import { type GrowOptions, type GrownTree, SPARSE_ROWS, growTree } from './grower.js';
import { countBins } from './histogram.js';
import { Team } from '../team.js';
import { Local, createWorkspace, itemRunner } from './work.js';

/**
 * The sparse search of small nodes (occupancy bitmaps, see grower.ts) against the dense one as the reference, the
 * root's histogram from its sums alone with the fit's counts (accumulateSums) against the full one, and the search by
 * groups of features (split.ts's mergeGroup) against the search of all of them: the same trees, bit for bit, node for
 * node. The data make small nodes with empty bins, missing values in both
 * directions, repeated values, and — through negative weights — hessians of either sign.
 */
interface Case {
  readonly n: number;
  readonly p: number;
  readonly maxBins: number;
  readonly missing: number;
  readonly negative: number;
  readonly options: GrowOptions;
}

function grow(c: Case, seed: number, sparseRows: number, allRows = false, helpers = 0): GrownTree[] {
  const rng = createRng(seed);
  const { n, p } = c;
  const X = new Float64Array(n * p);
  for (let i = 0; i < n * p; i++) {
    const u = rng.uniform();
    // every third feature takes a few values only (repeated thresholds, empty bins)
    X[i] = u < c.missing ? NaN : i % p % 3 === 2 ? Math.floor(rng.uniform() * 7) : rng.normal();
  }
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const mapping = fitBins(X, p, all, c.maxBins, rng.fork('bins'));
  const o = c.options;
  const slots = 2 * n;
  const ws = createWorkspace({ n, p, NB: c.maxBins + 1, K: 2, slots, binningRows: 0, binningUse: 0, minSamplesLeaf: o.minSamplesLeaf, minSumHessianInLeaf: o.minSumHessianInLeaf, l2: o.l2 }, false);
  ws.nBins.set(mapping.nBins);
  ws.hasMissing.set(mapping.hasMissing);
  binRows(X, p, all, mapping, ws.bins);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) ws.binsByFeature[j * n + i] = ws.bins[i * p + j]!;
  for (let j = 0; j < p; j++) ws.feats[j] = j;
  for (let i = 0; i < n; i++) ws.rows[i] = i;
  countBins(ws.bins, p, c.maxBins + 1, ws.rows, n, ws.counts);
  // helpers with no threads behind them: the calling thread runs every item of the jobs cut for helpers + 1 threads
  const team = new Team(ws.ctrl, itemRunner(ws, new Local(ws)), helpers);
  const free = Array.from({ length: slots }, (_, s) => s);
  const trees: GrownTree[] = [];
  for (let t = 0; t < 4; t++) {
    for (let i = 0; i < n; i++) {
      const prob = 1 / (1 + Math.exp(-X[i * p]! || 0));
      const w = rng.uniform() < c.negative ? -0.5 : 1;
      ws.g[i] = w * (prob - (rng.uniform() < 0.5 ? 1 : 0)) * (1 + t);
      ws.h[i] = w * prob * (1 - prob);
      ws.rows[i] = i;
    }
    trees.push(growTree({ ws, team, mapping, gOff: 0, nRows: n, nFeats: p, options: o, slots: free, sparseRows, allRows }));
  }
  return trees;
}

const leafWise: GrowOptions = { maxLeafNodes: 63, maxDepth: null, minSamplesLeaf: 2, minSumHessianInLeaf: 0, l2: 0, learningRate: 0.1 };

const cases: Record<string, Case> = {
  'small nodes, 255 bins': { n: 3000, p: 6, maxBins: 255, missing: 0, negative: 0, options: leafWise },
  'missing values': { n: 2000, p: 5, maxBins: 255, missing: 0.08, negative: 0, options: { ...leafWise, minSamplesLeaf: 1, l2: 0.5 } },
  'negative hessians': { n: 2000, p: 4, maxBins: 64, missing: 0.03, negative: 0.15, options: { ...leafWise, minSumHessianInLeaf: 1e-3 } },
  'depth-wise, few bins': { n: 1500, p: 7, maxBins: 16, missing: 0.02, negative: 0, options: { ...leafWise, maxLeafNodes: null, maxDepth: 6, minSamplesLeaf: 5 } },
};

describe('the sparse split search of small nodes, and the root from its sums', () => {
  for (const [name, c] of Object.entries(cases))
    it(`grows the dense search's trees, bit for bit (${name})`, () => {
      for (const seed of [1, 2, 3]) {
        const dense = grow(c, seed, 0);
        // the default, and every histogram built from rows sparse (the root too)
        for (const sparseRows of [SPARSE_ROWS, c.n]) {
          const sparse = grow(c, seed, sparseRows);
          expect(sparse).toEqual(dense);
        }
        expect(grow(c, seed, SPARSE_ROWS, true)).toEqual(dense);
        // the searches (and histograms) by groups of features, merged: every number of groups up to the features
        for (let helpers = 1; helpers < c.p; helpers++) expect(grow(c, seed, SPARSE_ROWS, false, helpers)).toEqual(dense);
        // the case is not trivial: the trees have many leaves
        expect(dense[0]!.leaves.length).toBeGreaterThan(20);
      }
    });
});
