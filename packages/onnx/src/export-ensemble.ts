/**
 * The fold models of a cross-validation (@discern/models' FoldEnsemble) as one graph: each fold model's own graph
 * (its family's exporter) on the columns it reads, standardised by its fold's statistics when it has them, then
 * - `average`: the mean of their probabilities, summed in fold order and divided by k, as predictProba;
 * - `by-fold`: the fold of each event computed in the graph from its input columns by the fold rule (⌊v⌋ mod k as a
 *   non-negative remainder) and the probabilities of that fold's model selected: Σ_f [fold = f] · P_f, exact, since
 *   every other term is zero. The fold column is an ordinary input column (`features`), so a serving engine gives
 *   the event number with the features and the graph picks the model that never saw the event's fold.
 *
 * By fold, the graph computes in float64 whatever its input type: the fold rule must give the very value
 * TypeScript gives (an event number of 10⁷ times a constant, then floor, in float32 would move events across fold
 * boundaries), and every operation it may use (+ − × ÷, fmod, floor, ceil, abs, min, max, a comparison) is exactly
 * rounded in IEEE double in both. The average computes in its members' type.
 */
import { type Classifier, type FoldEnsemble, type FoldExpr } from '@discern/models';
import { column, standardize } from './blocks.js';
import { type Family, columnOf } from './family.js';
import { type GraphBuilder } from './graph.js';

/** The graph value of a fold expression over the input columns of `x` ([N, p]): an [N, 1] column (or a scalar). */
function foldValue(b: GraphBuilder, x: string, e: FoldExpr): string {
  if (e.op === 'input') return b.op('Gather', [x, b.ints([e.index])], { axis: 1 });
  if (e.op === 'number') return b.scalar(e.value, 'fold_k');
  const args = e.args.map((a) => foldValue(b, x, a));
  const [a, c] = [args[0]!, args[1]!];
  switch (e.op) {
    case '+':
      return b.op('Add', [a, c]);
    case '-':
      return b.op('Sub', [a, c]);
    case '*':
      return b.op('Mul', [a, c]);
    case '/':
      return b.op('Div', [a, c]);
    case '%':
      return b.op('Mod', [a, c], { fmod: 1 }); // C's fmod: JavaScript's %
    case 'neg':
      return b.op('Neg', [a]);
    case 'abs':
      return b.op('Abs', [a]);
    case 'floor':
      return b.op('Floor', [a]);
    case 'ceil':
      return b.op('Ceil', [a]);
    case 'round': {
      // Math.round (half up), not ONNX Round (half to even): ⌊v⌋ + (v − ⌊v⌋ ≥ ½)
      const f = b.op('Floor', [a]);
      const up = b.op('Cast', [b.op('GreaterOrEqual', [b.op('Sub', [a, f]), b.scalar(0.5, 'half')])], { to: b.floatCode });
      return b.op('Add', [f, up]);
    }
    case 'min':
      return b.op('Min', args);
    case 'max':
      return b.op('Max', args);
  }
}

export function ensembleFamily(e: FoldEnsemble, familyOf: (m: Classifier) => Family): Family {
  const K = e.nClasses;
  const k = e.members.length;
  const families = e.members.map((m) => familyOf(m.estimator));
  const byFold = e.mode === 'by-fold';
  const cols = e.rule ? Array.from(e.memberColumns) : undefined;
  return {
    role: 'classifier',
    kind: 'fold-ensemble',
    nFeatures: e.nFeatures,
    K,
    ...(K === 2 ? { scoreKind: 'probability' as const } : {}),
    ...(byFold || families.some((f) => f.compute === 'float64') ? { compute: 'float64' as const } : {}),
    build(b, x, positive, negative) {
      const xm = cols ? b.op('Gather', [x, b.ints(cols)], { axis: 1 }) : x;
      const probas = e.members.map((m, f) => {
        const s = m.standardizer;
        const heads = families[f]!.build(b, s ? standardize(b, xm, s.mean, s.scale) : xm, positive, negative);
        if (!heads.proba) throw new Error(`internal: fold model ${f} (${families[f]!.kind}) has no probabilities`);
        return heads.proba;
      });
      let proba: string;
      if (!byFold) {
        let sum = probas[0]!;
        for (let f = 1; f < k; f++) sum = b.op('Add', [sum, probas[f]!]);
        proba = b.op('Div', [sum, b.scalar(k, 'folds')]);
      } else {
        const kk = b.scalar(k, 'folds');
        const fl = b.op('Floor', [foldValue(b, x, e.rule!.tree)]);
        const fold = b.op('Mod', [b.op('Add', [b.op('Mod', [fl, kk], { fmod: 1 }), kk]), kk], { fmod: 1 });
        const terms = probas.map((P, f) => b.op('Mul', [P, b.op('Cast', [b.op('Equal', [fold, b.scalar(f, 'fold')])], { to: b.floatCode })]));
        proba = terms.reduce((s, t) => b.op('Add', [s, t]));
      }
      return { proba, ...(K === 2 ? { score: column(b, proba, positive) } : {}), label: b.op('ArgMax', [proba], { axis: 1, keepdims: 0 }) };
    },
    reference(X, positive) {
      const proba = e.predictProba(X);
      return { proba, ...(K === 2 ? { score: columnOf(proba, positive) } : {}), label: e.predict(X) };
    },
  };
}
