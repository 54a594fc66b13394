import { type DecisionJudgement, type DecisionRule, applyRule, bayesPosteriorThreshold, judgeDecisions, neymanPearsonRule, neymanPearsonThreshold, ruleToJSON } from '@discern/decision';
import { type DenseMatrix } from '@discern/linalg';
import { z } from 'zod';
import { type RunContext, StepError } from '../../context.js';
import { type DatasetLabels } from '../../datasets.js';
import { defineStep } from '../../step.js';
import { strict } from '../../config/zod-helpers.js';
import { signalLabels } from '../evaluate/physics.js';
import { saveModel } from '../fitted.js';
import { positiveScore } from '../scores.js';
import { costSchema, priorsSchema, resolveCost, resolvePriors } from './params.js';
import { decideReport } from './report.js';
import { type DecideResult, type Judged, decideResultSchema } from './result.js';

const common = {
  name: z.string().max(64).regex(/^[A-Za-z][\w-]*$/, 'a name of letters, digits, "-" and "_"').optional().describe('key under metrics.json → decisions (default: the rule)'),
  model: z.string().optional().describe('the fitted classifier whose posteriors are decided on (default "model")'),
  score: strict({ feature: z.string().describe('a feature column of the data, in its own units') })
    .optional()
    .describe('two-class threshold and neyman-pearson rules: decide on a raw feature column instead of a model'),
  on: z.array(z.string()).min(1).default(['test']).describe('datasets on which the decisions are judged'),
  confidence: z.number().gt(0).lt(1).default(0.95).describe('confidence level of every interval'),
  interval: z.enum(['clopper-pearson', 'wilson']).default('clopper-pearson').describe('binomial interval of the rates'),
};

const RULES = ['threshold', 'neyman-pearson', 'bayes-risk', 'map', 'ml'] as const;

const params = z.discriminatedUnion(
  'rule',
  [
    strict({ rule: z.literal('threshold'), threshold: z.number().describe('decide the positive class when P(positive) (or the feature) ≥ threshold'), ...common }),
    strict({
      rule: z.literal('neyman-pearson'),
      alpha: z
        .number()
        .gt(0, 'alpha must be in (0, 1): the largest false-positive rate allowed')
        .lt(1, 'alpha must be in (0, 1): the largest false-positive rate allowed')
        .describe('level: the largest false-positive rate (background efficiency) allowed'),
      calibration: z.string().default('train').describe('the dataset on which the threshold is chosen (e.g. a part carved out by `split`)'),
      ...common,
    }),
    strict({
      rule: z.literal('bayes-risk'),
      cost: costSchema,
      priors: priorsSchema.optional(),
      reject_cost: z.number().optional().describe("Chow's reject option: leave an event unclassified when its smallest conditional risk exceeds this"),
      train: z.string().default('train').describe('the dataset whose class fractions are the priors the posteriors carry'),
      ...common,
    }),
    strict({ rule: z.literal('map'), ...common }),
    strict({ rule: z.literal('ml'), train: z.string().default('train').describe('the dataset whose class fractions are the priors the posteriors carry'), ...common }),
  ],
  {
    error: (iss) =>
      iss.code !== 'invalid_union'
        ? undefined
        : (iss.input as { rule?: unknown } | undefined)?.rule === undefined
          ? `no rule given: set rule to one of ${RULES.join(', ')}`
          : `unknown rule ${JSON.stringify((iss.input as { rule?: unknown }).rule)}; accepted: ${RULES.join(', ')}`,
  },
);

export type DecideParams = z.output<typeof params>;

/** Keys of a decision's entry that are not datasets: a dataset may not be called so. */
const RESERVED = ['rule', 'model', 'score', 'classes', 'threshold_choice', 'minimum_risk_threshold', 'deployment_priors', 'training_priors'];

/** Class fractions (weighted when the data are) of a dataset: the priors a model trained on it carries. */
export function classFractions(ds: Pick<DatasetLabels, 'y' | 'weights'>, K: number): number[] {
  const s = new Array<number>(K).fill(0);
  for (let i = 0; i < ds.y.length; i++) s[ds.y[i]!]! += ds.weights ? ds.weights[i]! : 1;
  const total = s.reduce((a, b) => a + b, 0);
  return s.map((v) => v / total);
}

/** The scores a `decide` step works on. */
interface ScoreSource {
  /** The fitted model, or undefined for a raw feature. */
  readonly model: string | undefined;
  /** e.g. "P(g)" or the feature name. */
  readonly label: string;
  readonly classNames: readonly string[];
  readonly positive: number;
  inputs(dataset: string): Promise<{ proba?: DenseMatrix; score?: Float64Array }>;
}

/** A judgement of @discern/decision as metrics.json writes it (snake_case, the figures this step has always written). */
function judgedEntry(j: DecisionJudgement): Judged {
  const e: Judged = {
    n: j.n,
    confusion_matrix: { labels: j.classNames, counts: j.weightedConfusion, weighted: j.weighted },
    accuracy: j.accuracy,
  };
  if (j.rejected.some((r) => r > 0)) e.rejected = Object.fromEntries(j.classNames.map((c, i) => [c, j.rejected[i]!]));
  if (j.signalEfficiency && j.backgroundEfficiency && j.backgroundRejection) {
    e.signal_efficiency = j.signalEfficiency;
    e.background_efficiency = j.backgroundEfficiency;
    e.background_rejection = j.backgroundRejection;
  }
  if (j.expectedRisk) {
    const r = j.expectedRisk;
    e.expected_risk = {
      value: r.value,
      interval: r.interval,
      standard_error: r.standardError,
      confidence: r.confidence,
      priors: r.priors,
      class_risk: Object.fromEntries(j.classNames.map((c, i) => [c, r.classRisk[i]!])),
    };
  }
  if (j.alphaInsideInterval !== null) e.alpha_inside_interval = j.alphaInsideInterval;
  return e;
}

function fmt(v: number, digits = 4): string {
  return Number.isFinite(v) ? v.toFixed(digits) : String(v);
}

/** Where the decisions come from: a model's posteriors, or a raw feature column (two classes). */
function scoreSource(ctx: RunContext, p: DecideParams, path: string): ScoreSource {
  if (p.score) {
    const feature = p.score.feature;
    const first = ctx.dataset(p.on[0]!);
    const j = first.featureNames.indexOf(feature);
    if (j < 0) throw ctx.config.error(`${path}.score.feature`, `no feature named ${JSON.stringify(feature)}; features: ${first.featureNames.join(', ')}`);
    if (first.classNames.length !== 2) throw new StepError(ctx.step, `a feature score needs two classes; the data have ${first.classNames.length}`);
    const positive = first.positive ?? 1;
    return {
      model: undefined,
      label: feature,
      classNames: first.classNames,
      positive,
      inputs: async (name) => {
        // Thresholds are in the feature's own units: undo a `standardize` step.
        const raw = (X: DenseMatrix) => (ctx.standardizer ? ctx.standardizer.inverseTransform(X) : X);
        // One column, batch by batch (the inverse transform acts on each value alone).
        const ds = ctx.dataset(name);
        const score = new Float64Array(ds.rows);
        for await (const b of ds.batches()) {
          const X = raw(b.X);
          for (let i = 0; i < X.rows; i++) score[b.start + i] = X.data[i * X.cols + j]!;
        }
        return { score };
      },
    };
  }
  const model = p.model ?? 'model';
  const fitted = ctx.classifier(model, 'decisions need class posteriors');
  const K = fitted.classNames.length;
  const positive = fitted.positive ?? 1;
  return {
    model,
    label: K === 2 ? `P(${fitted.classNames[positive]})` : 'posteriors',
    classNames: fitted.classNames,
    positive,
    inputs: async (name) => {
      const set = await ctx.scores(model, name);
      const proba: DenseMatrix = { rows: set.proba.length / set.nClasses, cols: set.nClasses, data: set.proba };
      return { proba, ...(set.nClasses === 2 ? { score: positiveScore(set, positive) } : {}) };
    },
  };
}

interface BuiltRule {
  readonly rule: DecisionRule;
  readonly label: string;
  /** The cut on the positive score equivalent to the rule, when there is one. */
  readonly scoreThreshold: number | undefined;
  readonly cost?: number[][];
  readonly priors?: number[];
  readonly extra: Pick<DecideResult, 'threshold_choice' | 'minimum_risk_threshold' | 'deployment_priors' | 'training_priors'>;
}

async function buildRule(ctx: RunContext, p: DecideParams, src: ScoreSource, path: string): Promise<BuiltRule> {
  const K = src.classNames.length;
  const pos = src.positive;
  const neg = pos === 0 ? 1 : 0;
  const on = src.model === undefined ? 'score' : 'proba';
  if ((p.rule === 'threshold' || p.rule === 'neyman-pearson') && K !== 2)
    throw ctx.config.error(`${path}.rule`, `a '${p.rule}' rule cuts on one score and needs two classes; the ${src.model === undefined ? 'data have' : 'model has'} ${K} (${src.classNames.join(', ')}); use bayes-risk, map or ml`);
  switch (p.rule) {
    case 'threshold':
      return {
        rule: { kind: 'threshold', on, threshold: p.threshold, positive: pos, negative: neg, inclusive: true },
        label: `cut ${src.label} ≥ ${p.threshold}`,
        scoreThreshold: p.threshold,
        extra: {},
      };
    case 'neyman-pearson': {
      const cal = ctx.dataset(p.calibration);
      const score = (await src.inputs(p.calibration)).score!;
      const labels = signalLabels(cal.y, pos);
      const np = neymanPearsonThreshold(score, labels, p.alpha, { confidence: p.confidence, ...(cal.weights ? { weights: cal.weights } : {}) });
      const rule = neymanPearsonRule(np, { on, positive: pos });
      return {
        rule,
        label: `NP α = ${p.alpha}`,
        scoreThreshold: np.threshold,
        extra: {
          threshold_choice: {
            dataset: p.calibration,
            threshold: np.threshold,
            achieved_fpr: { value: np.achievedFpr, interval: np.fprInterval },
            power: { value: np.power, interval: np.powerInterval },
            n_background: np.nBackground,
            n_signal: np.nSignal,
            ...(np.note ? { note: np.note } : {}),
          },
        },
      };
    }
    case 'bayes-risk': {
      const cost = resolveCost(p.cost, src.classNames, `${path}.cost`, ctx.config);
      const priors = p.priors !== undefined ? resolvePriors(p.priors, src.classNames, `${path}.priors`, ctx.config) : undefined;
      const trainPriors = priors ? classFractions(ctx.dataset(p.train), K) : undefined;
      const rule: DecisionRule = {
        kind: 'bayes-risk',
        cost,
        ...(priors && trainPriors ? { priors, trainPriors } : {}),
        ...(p.reject_cost !== undefined ? { rejectCost: p.reject_cost } : {}),
      };
      let scoreThreshold: number | undefined;
      if (K === 2 && p.reject_cost === undefined) {
        try {
          // Decide class 1 iff P(class 1 | x) > t; as a cut on P(positive) when the positive class is 0: 1 − t.
          const t = bayesPosteriorThreshold(cost, priors, trainPriors);
          scoreThreshold = pos === 1 ? t : 1 - t;
        } catch {
          scoreThreshold = undefined; // costs that always choose one class: no threshold
        }
      }
      return {
        rule,
        label: 'min. risk',
        scoreThreshold,
        cost,
        ...(priors ? { priors } : {}),
        extra: {
          ...(scoreThreshold !== undefined ? { minimum_risk_threshold: { on: src.label, threshold: scoreThreshold, strict: true } } : {}),
          ...(priors ? { deployment_priors: Object.fromEntries(src.classNames.map((c, i) => [c, priors[i]!])), training_priors: Object.fromEntries(src.classNames.map((c, i) => [c, trainPriors![i]!])) } : {}),
        },
      };
    }
    case 'map':
      return { rule: { kind: 'map' }, label: 'MAP', scoreThreshold: K === 2 ? 0.5 : undefined, extra: {} };
    case 'ml': {
      const trainPriors = classFractions(ctx.dataset(p.train), K);
      return { rule: { kind: 'ml', trainPriors }, label: 'ML', scoreThreshold: undefined, extra: { training_priors: Object.fromEntries(src.classNames.map((c, i) => [c, trainPriors[i]!])) } };
    }
  }
}

/**
 * Turns scores into decisions with a rule from @discern/decision, records the rule with the model (so the saved
 * model and its ONNX export apply it) and judges the decisions on labelled data: metrics.json → decisions → <name>.
 */
export const decideStep = defineStep({
  name: 'decide',
  description: 'choose decisions by a rule: threshold | neyman-pearson (alpha, calibration) | bayes-risk (cost, priors, reject_cost) | map | ml; records the rule with the model and judges it on test data',
  params,
  result: decideResultSchema,
  key: (p) => ['decisions', p.name ?? p.rule],
  plan: (p, at) => {
    const problems: { path: string; message: string }[] = [];
    if (p.score && p.model !== undefined) problems.push({ path: at.path, message: 'give either model or score, not both' });
    if (p.score && p.rule !== 'threshold' && p.rule !== 'neyman-pearson')
      problems.push({ path: `${at.path}.score`, message: `a '${p.rule}' rule needs class posteriors; give model: <a fitted classifier> instead of score (score: { feature } serves threshold and neyman-pearson)` });
    p.on.forEach((ds, i) => {
      if (RESERVED.includes(ds)) problems.push({ path: `${at.path}.on[${i}]`, message: `a dataset named ${JSON.stringify(ds)} would collide with the key of that name under decisions.${p.name ?? p.rule}; rename it (in its split step)` });
    });
    const extra = [...(p.rule === 'neyman-pearson' ? [p.calibration] : []), ...(p.rule === 'bayes-risk' && p.priors !== undefined ? [p.train] : []), ...(p.rule === 'ml' ? [p.train] : [])];
    return {
      problems,
      needs: {
        models: p.score ? [] : [{ name: p.model ?? 'model', path: `${at.path}.model`, classifier: true }],
        datasets: [
          ...p.on.map((name, i) => ({ name, path: `${at.path}.on[${i}]` })),
          ...extra.map((name) => ({ name, path: `${at.path}.${p.rule === 'neyman-pearson' ? 'calibration' : 'train'}` })),
        ],
      },
    };
  },
  async run(ctx, p): Promise<DecideResult> {
    const path = `steps[${ctx.step.index}].decide`;
    const src = scoreSource(ctx, p, path);
    const built = await buildRule(ctx, p, src, path);
    const name = p.name ?? p.rule;
    const ruleJson = ruleToJSON(built.rule);
    if (src.model !== undefined) {
      const fitted = ctx.fittedModel(src.model);
      if (fitted.decision) ctx.log(`decide ${name}: replaces the rule recorded with model ${src.model}`);
      fitted.decision = ruleJson;
      saveModel(ctx, fitted);
    }
    const judged: Record<string, Judged> = {};
    for (const dsName of p.on) {
      const ds = ctx.dataset(dsName);
      const d = applyRule(built.rule, await src.inputs(dsName));
      const j = judgeDecisions(d, ds.y, {
        classNames: src.classNames,
        positive: src.positive,
        ...(ds.weights ? { weights: ds.weights } : {}),
        interval: p.interval,
        confidence: p.confidence,
        ...(built.cost ? { cost: built.cost } : {}),
        ...(built.cost && built.priors ? { deployPriors: built.priors } : {}),
        ...(built.cost && p.rule === 'bayes-risk' && p.reject_cost !== undefined ? { rejectCost: p.reject_cost } : {}),
        ...(p.rule === 'neyman-pearson' ? { alpha: p.alpha } : {}),
      });
      judged[dsName] = judgedEntry(j);
    }
    ctx.say(`decide ${name}: ${describe(p, built, src)}; ${p.on.map((ds) => judgedText(ds, judged[ds]!, p)).join('; ')}`);
    return {
      rule: ruleJson,
      model: src.model ?? null,
      score: src.label,
      classes: [...src.classNames],
      ...built.extra,
      ...judged,
    } as DecideResult;
  },
  report: (result, view, p) => decideReport(result, view, p, labelOf(p)),
});

/** The rule's short label in plots: "NP α = 0.05", "min. risk". */
function labelOf(p: DecideParams): string {
  switch (p.rule) {
    case 'threshold':
      return `cut ≥ ${p.threshold}`;
    case 'neyman-pearson':
      return `NP α = ${p.alpha}`;
    case 'bayes-risk':
      return 'min. risk';
    case 'map':
      return 'MAP';
    case 'ml':
      return 'ML';
  }
}

function vi(v: { readonly value: number | null; readonly interval: readonly [number | null, number | null] } | undefined): string {
  if (!v) return 'n/a';
  return `${fmt(v.value ?? NaN)} [${fmt(v.interval[0] ?? NaN)}, ${fmt(v.interval[1] ?? NaN)}]`;
}

function describe(p: DecideParams, b: BuiltRule, src: ScoreSource): string {
  const cut = b.scoreThreshold !== undefined ? `${src.label} ${p.rule === 'bayes-risk' || p.rule === 'map' ? '>' : '≥'} ${fmt(b.scoreThreshold)}` : undefined;
  if (p.rule === 'neyman-pearson') {
    return `Neyman–Pearson at α = ${p.alpha}: ${cut} (calibration FPR ${vi(b.extra.threshold_choice?.achieved_fpr)} on ${p.calibration})`;
  }
  if (p.rule === 'bayes-risk') return `minimum Bayes risk${cut ? `: ${cut}` : ''}${b.priors ? ` under deployment priors ${b.priors.map((x, i) => `${src.classNames[i]} ${+x.toPrecision(4)}`).join(', ')}` : ''}`;
  return `${b.label}${cut && p.rule === 'threshold' ? `: ${cut}` : ''}`;
}

function judgedText(ds: string, e: Judged, p: DecideParams): string {
  const parts: string[] = [];
  if (e.expected_risk) parts.push(`expected risk ${vi(e.expected_risk)}`);
  if (e.signal_efficiency) parts.push(`εS ${vi(e.signal_efficiency)}`, `εB ${vi(e.background_efficiency)}`);
  else parts.push(`accuracy ${vi(e.accuracy)}`);
  if (p.rule === 'neyman-pearson') parts.push(e.alpha_inside_interval ? 'α inside the εB interval' : 'α OUTSIDE the εB interval');
  return `${ds}: ${parts.join(', ')}`;
}
