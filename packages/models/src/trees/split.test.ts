import { describe, expect, it } from 'vitest';
import { type BestSplit, CHAIN_RECORDS, GROUP_HEAD, GROUP_WORDS, mergeGroup, startBest } from './split.js';

/**
 * mergeGroup's cases, on chains made by hand (grower.test.ts holds whole trees searched by groups to the search of all
 * features): a group's best is taken when the first of its new bests above the best so far passes the scans' test
 * against it, and the group is searched again when that record fails the test (its gain is within rounding of the
 * best so far) or its chain was too long to keep.
 */
describe('mergeGroup', () => {
  const bits = new Float64Array(1);
  const word = new BigInt64Array(bits.buffer);
  /** The largest double below x > 0. */
  const below = (x: number): number => {
    bits[0] = x;
    word[0]! -= 1n;
    return bits[0];
  };
  let seed = 11;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;

  /** A split of a node (G, H) at left sums (GL, HL): its gain, and whether it passes the scans' test against B. */
  const split = (G: number, H: number, lam: number, GL: number, HL: number, B: number) => {
    const HR = H - HL, GR = G - GL, dL = HL + lam, dR = HR + lam, parent = (G * G) / (H + lam);
    return { gain: (GL * GL) / dL + (GR * GR) / dR - parent, passes: GL * GL * dR + GR * GR * dL > (B + parent) * dL * dR };
  };

  /** A group whose chain is one record (gain, GL, HL) and whose best is another, later record of gain `top`. */
  const group = (gain: number, GL: number, HL: number, top: number, records = 1): Float64Array => {
    const out = new Float64Array(GROUP_WORDS);
    out.set([top, 4, 17, 1, 0.25, 0.5, records]);
    out.set([gain, GL, HL], GROUP_HEAD);
    return out;
  };
  const bestOf = (gain: number): BestSplit => {
    const b: BestSplit = { gain: 0, feature: -1, bin: 0, missingLeft: false, GL: 0, HL: 0, chain: undefined, chainAt: 0, records: 0 };
    startBest(b, undefined, 0);
    if (gain > 0) Object.assign(b, { gain, feature: 1, bin: 3, GL: -1, HL: 2 });
    return b;
  };

  /** Random nodes and splits until one of gain g > 0 passes (or fails) the test against the largest double below g. */
  const nearTie = (passes: boolean) => {
    for (;;) {
      const G = rnd() * 20 - 10, H = 1 + rnd() * 50, GL = rnd() * 20 - 10, HL = H * (0.1 + 0.8 * rnd());
      const s = split(G, H, 0, GL, HL, 0);
      if (!(s.gain > 0)) continue;
      const B = below(s.gain);
      if (split(G, H, 0, GL, HL, B).passes === passes) return { G, H, GL, HL, gain: s.gain, B };
    }
  };

  it("takes the group's best when its first record above the best so far passes against it", () => {
    const t = nearTie(true);
    const best = bestOf(t.B);
    expect(mergeGroup(group(t.gain, t.GL, t.HL, t.gain * 2), 0, t.G, t.H, 0, best)).toBe(true);
    expect(best).toMatchObject({ gain: t.gain * 2, feature: 4, bin: 17, missingLeft: true, GL: 0.25, HL: 0.5 });
  });

  it('searches the group again when that record fails against the best so far (a gain within rounding of it)', () => {
    const t = nearTie(false);
    const best = bestOf(t.B);
    expect(mergeGroup(group(t.gain, t.GL, t.HL, t.gain * 2), 0, t.G, t.H, 0, best)).toBe(false);
    expect(best.gain).toBe(t.B);
  });

  it('keeps the best so far when no record exceeds it, or the group found no split', () => {
    const t = nearTie(true);
    const best = bestOf(t.gain);
    expect(mergeGroup(group(t.gain, t.GL, t.HL, t.gain), 0, t.G, t.H, 0, best)).toBe(true);
    const none = group(t.gain, t.GL, t.HL, t.gain * 2, 0);
    none[1] = -1;
    expect(mergeGroup(none, 0, t.G, t.H, 0, best)).toBe(true);
    expect(best).toMatchObject({ gain: t.gain, feature: 1, bin: 3 });
  });

  it('searches the group again when its chain was too long to keep', () => {
    const t = nearTie(true);
    expect(mergeGroup(group(t.gain, t.GL, t.HL, t.gain * 2, CHAIN_RECORDS + 1), 0, t.G, t.H, 0, bestOf(t.B))).toBe(false);
  });
});
