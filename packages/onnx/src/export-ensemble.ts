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
  // Fold models that fold a standardisation into their own constants (the trees, into their thresholds: a row
  // standardised by the graph's rounding could cross a split) take the raw input, so the ensemble does too and
  // hands each its standardisation; the others get the input standardised in the graph, as before any family.
  const rawInput = families.some((f) => f.rawInput);
  return {
    role: 'classifier',
    kind: 'fold-ensemble',
    nFeatures: e.nFeatures,
    K,
    ...(K === 2 ? { scoreKind: 'probability' as const } : {}),
    ...(byFold || families.some((f) => f.compute === 'float64') ? { compute: 'float64' as const } : {}),
    ...(rawInput ? { rawInput: true } : {}),
    build(b, x, positive, negative, standardizer) {
      // with rawInput, x is raw and `standardizer` the model's own (the run's); otherwise x comes standardised
      const g = rawInput ? standardizer : undefined;
      const pick = (v: string) => (cols ? b.op('Gather', [v, b.ints(cols)], { axis: 1 }) : v);
      let xs: string | undefined, raw: string | undefined, std: string | undefined;
      const standardised = () => (xs ??= g ? standardize(b, x, g.mean, g.scale) : x);
      const rawCols = () => (raw ??= pick(x));
      const stdCols = () => (std ??= pick(standardised()));
      const sub = (a: ArrayLike<number>) => (cols ? cols.map((j) => a[j]!) : Array.from(a));
      const probas = e.members.map((m, f) => {
        const fam = families[f]!;
        const s = m.standardizer;
        let heads;
        if (fam.rawInput) {
          // one standardisation folds in exactly; with both the run's and the fold's, the run's is done in the graph
          if (g && s) heads = fam.build(b, stdCols(), positive, negative, s);
          else if (g) heads = fam.build(b, rawCols(), positive, negative, { mean: sub(g.mean), scale: sub(g.scale) });
          else heads = fam.build(b, rawCols(), positive, negative, s);
        } else heads = fam.build(b, s ? standardize(b, stdCols(), s.mean, s.scale) : stdCols(), positive, negative);
        if (!heads.proba) throw new Error(`internal: fold model ${f} (${fam.kind}) has no probabilities`);
        return heads.proba;
      });
      let proba: string;
      if (!byFold) {
        let sum = probas[0]!;
        for (let f = 1; f < k; f++) sum = b.op('Add', [sum, probas[f]!]);
        proba = b.op('Div', [sum, b.scalar(k, 'folds')]);
      } else {
        // the rule reads the input as predictProba is given it: standardised by the run's standardisation, if any
        const kk = b.scalar(k, 'folds');
        const fl = b.op('Floor', [foldValue(b, standardised(), e.rule!.tree)]);
        const fold = b.op('Mod', [b.op('Add', [b.op('Mod', [fl, kk], { fmod: 1 }), kk]), kk], { fmod: 1 });
        const terms = probas.map((P, f) => b.op('Mul', [P, b.op('Cast', [b.op('Equal', [fold, b.scalar(f, 'fold')])], { to: b.floatCode })]));
        proba = terms.reduce((t, u) => b.op('Add', [t, u]));
      }
      return { proba, ...(K === 2 ? { score: column(b, proba, positive) } : {}), label: b.op('ArgMax', [proba], { axis: 1, keepdims: 0 }) };
    },
    reference(X, positive) {
      const proba = e.predictProba(X);
      return { proba, ...(K === 2 ? { score: columnOf(proba, positive) } : {}), label: e.predict(X) };
    },
  };
}
