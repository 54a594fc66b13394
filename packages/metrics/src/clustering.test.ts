import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, contingencyTable, matchClusters, maxAssignment } from './clustering.js';

describe('clustering agreement', () => {
  it('contingency counts (class × cluster)', () => {
    expect(contingencyTable([0, 0, 1, 1, 2], [1, 1, 0, 2, 2])).toEqual([
      [0, 2, 0],
      [1, 0, 1],
      [0, 0, 1],
    ]);
  });

  it('matching by Hungarian equals brute force over permutations', () => {
    const s = [
      [7, 1, 3, 9],
      [2, 8, 6, 1],
      [5, 4, 9, 2],
      [6, 3, 2, 8],
    ];
    const perm = maxAssignment(s);
    const total = (p: ArrayLike<number>) => Array.from(p).reduce((a, j, i) => a + s[i]![j]!, 0);
    let best = -1;
    const rec = (i: number, used: Set<number>, acc: number) => {
      if (i === 4) return void (best = Math.max(best, acc));
      for (let j = 0; j < 4; j++) if (!used.has(j)) rec(i + 1, new Set([...used, j]), acc + s[i]![j]!);
    };
    rec(0, new Set(), 0);
    expect(total(perm)).toBe(best);
    expect(best).toBe(9 + 8 + 9 + 6);
  });

  it('rectangular: more clusters than classes leaves clusters unmatched', () => {
    const m = matchClusters([0, 0, 0, 1, 1, 1], [2, 2, 0, 1, 1, 1]);
    expect(Array.from(m.clusterToClass)).toEqual([-1, 1, 0]);
    expect(m.accuracy).toBeCloseTo(5 / 6, 15);
  });

  it('relabelled identical partitions match perfectly; ARI = 1', () => {
    const a = [0, 0, 1, 1, 2, 2, 2];
    const b = [2, 2, 0, 0, 1, 1, 1];
    expect(matchClusters(a, b).accuracy).toBe(1);
    expect(adjustedRandIndex(a, b)).toBe(1);
  });

  it('ARI against a value worked by hand', () => {
    // a = [0,0,0,1,1,1], b = [0,0,1,1,2,2]: contingency [[2,1,0],[0,1,2]]
    // Σ C(n_ij,2) = 1 + 1 = 2; rows C(3,2)·2 = 6; cols C(2,2)·3 = 3; expected = 6·3/15 = 1.2; max = 4.5
    // ARI = (2 − 1.2)/(4.5 − 1.2) = 0.8/3.3 (scikit-learn's adjusted_rand_score gives 0.24242424...)
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(0.8 / 3.3, 14);
  });
});
