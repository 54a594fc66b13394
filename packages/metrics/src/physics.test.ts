import { describe, expect, it } from 'vitest';
import { expectAllClose, expectClose, loadFixture } from './fixture.test-helpers.js';
import { weightOpt, type ClassificationFixture } from './fixture-types.test-helpers.js';
import { backgroundAtSignalEfficiency, efficienciesAtThreshold, efficiencyCurve, signalAtBackgroundEfficiency } from './physics.js';
import { fprAtTpr, rocCurve } from './roc.js';

const fx = loadFixture<ClassificationFixture>('classification.json');
const TOL = 1e-12;

describe('physics figures against the Python reference (sklearn ROC + scipy beta quantiles)', () => {
  for (const c of fx.binary) {
    it(c.name, () => {
      const wo = weightOpt(c.weights);
      const curve = efficiencyCurve(c.y_true, c.score, wo);
      expectAllClose(curve.effS, c.roc.tpr, TOL, 'εS = TPR');
      expectAllClose(curve.effB, c.roc.fpr, TOL, 'εB = FPR');
      expectAllClose(curve.rejection, c.roc.fpr.map((f) => 1 - f), TOL, '1 − εB');
      expectAllClose(fprAtTpr(rocCurve(c.y_true, c.score, wo), c.tprs), c.fpr_at_tpr, TOL, 'fpr@tpr');

      const bs = backgroundAtSignalEfficiency(c.y_true, c.score, c.tprs, wo);
      c.physics.at_signal.forEach((ref, t) => {
        expectClose(bs[t]!.effB, ref.effB, TOL, `εB at εS=${ref.effS}`);
        expectClose(bs[t]!.effBInterval.lower, ref.effB_interval[0], 1e-10, 'εB lower');
        expectClose(bs[t]!.effBInterval.upper, ref.effB_interval[1], 1e-10, 'εB upper');
        expect(bs[t]!.rejectionFactor).toBe(1 / bs[t]!.effB);
        expect(bs[t]!.rejectionFactorInterval.lower).toBe(1 / bs[t]!.effBInterval.upper);
      });
      const sb = signalAtBackgroundEfficiency(c.y_true, c.score, c.fprs, wo);
      c.physics.at_background.forEach((ref, t) => {
        expectClose(sb[t]!.effS, ref.effS, TOL, `εS at εB=${ref.effB}`);
        expectClose(sb[t]!.effSInterval.lower, ref.effS_interval[0], 1e-10, 'εS lower');
        expectClose(sb[t]!.effSInterval.upper, ref.effS_interval[1], 1e-10, 'εS upper');
      });
      for (const ref of c.physics.at_threshold) {
        const e = efficienciesAtThreshold(c.y_true, c.score, ref.threshold, wo);
        expectClose(e.signal.value, ref.effS, TOL, 'εS at threshold');
        expectClose(e.background.value, ref.effB, TOL, 'εB at threshold');
        expectClose(e.signal.nEff, ref.nEffS, TOL, 'n_eff signal');
        expectClose(e.background.nEff, ref.nEffB, TOL, 'n_eff background');
        expectClose(e.signal.lower, ref.effS_interval[0], 1e-10, 'εS lower');
        expectClose(e.signal.upper, ref.effS_interval[1], 1e-10, 'εS upper');
        expectClose(e.background.lower, ref.effB_interval[0], 1e-10, 'εB lower');
        expectClose(e.background.upper, ref.effB_interval[1], 1e-10, 'εB upper');
      }
    });
  }
});

describe('hand-worked', () => {
  // signal scores 4,3,2,1 and background 2.5,1.5,0.5,0.2: at εS = 0.5 (threshold 3) no background passes;
  // at εS = 0.75 (threshold 2) one of four passes → εB = 0.25, 1/εB = 4
  const y = [1, 1, 1, 1, 0, 0, 0, 0];
  const s = [4, 3, 2, 1, 2.5, 1.5, 0.5, 0.2];
  it('εB and rejection at signal efficiencies', () => {
    const r = backgroundAtSignalEfficiency(y, s, [0.5, 0.75]);
    expect(r.map((x) => x.effB)).toEqual([0, 0.25]);
    expect(r.map((x) => x.rejectionFactor)).toEqual([Infinity, 4]);
    expect(r[0]!.rejectionFactorInterval.upper).toBe(Infinity);
    // Clopper–Pearson upper for 0/4 at 95 %: 1 − 0.025^(1/4)
    expectClose(r[0]!.effBInterval.upper, 1 - Math.pow(0.025, 1 / 4), 1e-12);
  });
  it('efficiencies of a cut; weighted events count by weight', () => {
    const e = efficienciesAtThreshold(y, s, 2, { weights: [1, 1, 1, 1, 2, 1, 1, 1] });
    expect(e.signal.value).toBe(0.75);
    expect(e.background.value).toBe(0.4); // 2 of 5
    // background n_eff = 5²/7
    expectClose(e.background.nEff, 25 / 7, 1e-14);
  });
  it('rejects efficiencies outside [0, 1]', () => {
    expect(() => signalAtBackgroundEfficiency(y, s, [1.5])).toThrow(/effB\[0\] is 1.5; an efficiency must lie in \[0, 1\]/);
  });
});
