/**
 * exportModel: a fitted discern model (+ standardisation + decision rule) → ONNX bytes, checked for parity against
 * the TypeScript model on a sample before anything is returned or written.
 *
 * Graph: input `features` [N, p] (float32, or float64 on request) → Sub mean / Div scale → the family's heads →
 * outputs, by role:
 *   classifier: `probabilities` [N,K], `score` [N] (two classes: P(positive), or the log-likelihood ratio for the
 *               generative classifier), `log_densities` [N,K] (generative), `label` int64 [N] (the decision rule, or
 *               the model's argmax; −1 = reject for a bayes-risk rule with rejectCost);
 *   density:    `log_density` [N], `responsibilities` [N,K], `label` (most probable component);
 *   clusters:   `distances` [N,k] (Euclidean), `label` (nearest centre).
 */
import { ruleToJSON, type DecisionRule } from '@discern/decision';
import { type DenseMatrix } from '@discern/linalg';
import { DiscernError, type NamedPath, discernVersion, writeFileAtomicAsync } from '@discern/core';
import {
  type AdaBoostClassifier,
  type Calibration,
  type CategoricalNB,
  type Classifier,
  type DensityModel,
  type FoldEnsemble,
  type GaussianMixture,
  type GaussianNB,
  type GenerativeClassifier,
  type HistGradientBoostingClassifier,
  type KMeans,
  type LDA,
  type LatentClassModel,
  type LogisticRegression,
  type MLPClassifier,
  type ModelKind,
  type MultinomialMixture,
  type MultinomialNB,
  type QDA,
  type TrainingSummary,
  takesMissing,
} from '@discern/models';
import { standardize } from './blocks.js';
import { calibratedFamily } from './calibration.js';
import { type DecisionInput, decisionGraph, resolveRule } from './decision.js';
import { gaussianNBFamily, generativeFamily, ldaFamily, qdaFamily } from './export-bayes.js';
import { ensembleFamily } from './export-ensemble.js';
import { categoricalNBFamily, latentClassFamily, multinomialMixtureFamily, multinomialNBFamily } from './export-discrete.js';
import { logisticFamily, mlpFamily } from './export-linear.js';
import { adaboostFamily, bdtFamily } from './export-trees.js';
import { gmmFamily, kmeansFamily } from './export-mixture.js';
import { type Family, type Heads, type Reference } from './family.js';
import { type Dim, type FloatType, GraphBuilder, OPSET } from './graph.js';
import { META } from './metadata.js';
import { checkOutputPath } from './output-path.js';
import { type ParityReport, checkParity, roundToFloat32 } from './parity.js';
import { drawParityRows } from './parity-rows.js';

/** The graph's input name. */
export const INPUT_NAME = 'features';

export interface StandardizerLike {
  readonly mean: ArrayLike<number>;
  readonly scale: ArrayLike<number>;
}

/** What the graph is built from: the model, its names, its standardisation and decision rule, the float type. */
export interface ExportModelOptions {
  /** A fitted model of any kind in EXPORTABLE_KINDS. */
  readonly estimator: Classifier | DensityModel | KMeans;
  /** When given, must equal estimator.kind (a guard for pipelines that pass both). */
  readonly kind?: string;
  /** The model's input columns, in order (metadata `features`). */
  readonly featureNames: readonly string[];
  /** Class names in index order (classifiers); default '0'..'K-1'. */
  readonly classNames?: readonly string[];
  /** The positive class, by index or name (two-class scores and threshold rules); default 1. */
  readonly positive?: number | string;
  /** Standardisation the model was fitted after: (x − mean) / scale, folded into the graph. */
  readonly standardizer?: StandardizerLike;
  /** The decision rule producing `label`; default the model's own prediction (argmax). */
  readonly decision?: DecisionInput;
  /** A calibration of the posteriors (`calibrate`), applied inside the graph before the decision rule. */
  readonly calibration?: Calibration;
  /** Float type of the input and outputs, and of the computation unless the family needs float64 (default 'float32'). */
  readonly dtype?: FloatType;
}

/**
 * The rows the parity check runs on: `sample`, raw feature rows (before standardisation; the training rows), or
 * `training`, the saved model's summary of its training data, from which drawParityRows draws them — so that a model
 * exports from its file alone.
 */
export type ParityRows = { readonly sample: DenseMatrix; readonly training?: never } | { readonly training: TrainingSummary; readonly sample?: never };

export type ExportOptions = ExportModelOptions & ParityRows;

type AnyEstimator = ExportModelOptions['estimator'];

/**
 * One exporter per model kind, keyed by @discern/models' ModelKind: a new family is a type error here until it can
 * be exported. Dispatch on `kind`, not instanceof: a pipeline may hold models built by another copy of
 * @discern/models (a bundle, src and dist side by side), whose classes are not these; the accessors each exporter
 * reads are the contract.
 */
const FAMILIES: Readonly<Record<ModelKind, (e: AnyEstimator) => Family>> = {
  logistic: (e: AnyEstimator) => logisticFamily(e as LogisticRegression),
  mlp: (e: AnyEstimator) => mlpFamily(e as MLPClassifier),
  gmm: (e: AnyEstimator) => gmmFamily(e as GaussianMixture),
  kmeans: (e: AnyEstimator) => kmeansFamily(e as KMeans),
  'gaussian-nb': (e: AnyEstimator) => gaussianNBFamily(e as GaussianNB),
  lda: (e: AnyEstimator) => ldaFamily(e as LDA),
  qda: (e: AnyEstimator) => qdaFamily(e as QDA),
  generative: (e: AnyEstimator) => generativeFamily(e as GenerativeClassifier),
  'multinomial-nb': (e: AnyEstimator) => multinomialNBFamily(e as MultinomialNB),
  'categorical-nb': (e: AnyEstimator) => categoricalNBFamily(e as CategoricalNB),
  'multinomial-mixture': (e: AnyEstimator) => multinomialMixtureFamily(e as MultinomialMixture),
  'latent-class': (e: AnyEstimator) => latentClassFamily(e as LatentClassModel),
  'fold-ensemble': (e: AnyEstimator) => ensembleFamily(e as FoldEnsemble, familyOf),
  bdt: (e: AnyEstimator) => bdtFamily(e as HistGradientBoostingClassifier),
  adaboost: (e: AnyEstimator) => adaboostFamily(e as AdaBoostClassifier),
};

/** Every model kind exports; the name stays for callers that list what export accepts. */
export type ExportableKind = ModelKind;

export const EXPORTABLE_KINDS = Object.keys(FAMILIES) as readonly ExportableKind[];

/** Kinds whose inputs are counts or category codes: their parity rows are non-negative integers. */
const COUNT_KINDS: ReadonlySet<string> = new Set<ExportableKind>(['multinomial-nb', 'categorical-nb', 'multinomial-mixture', 'latent-class']);

function invalid(message: string, context: Record<string, unknown> = {}): DiscernError {
  return new DiscernError('INVALID_ARGUMENT', `ONNX export: ${message}`, context);
}

function familyOf(e: AnyEstimator): Family {
  const make = Object.hasOwn(FAMILIES, e.kind) ? FAMILIES[e.kind as ExportableKind] : undefined;
  if (!make) throw invalid(`cannot export a model of kind '${String(e.kind)}'; exportable kinds: ${EXPORTABLE_KINDS.join(', ')}`, { kind: e.kind });
  return make(e);
}

function checkFitted(e: AnyEstimator): void {
  const p = e.nFeatures;
  if (!(p > 0)) throw new DiscernError('MODEL_NOT_FITTED', `ONNX export: the ${e.kind} model is not fitted; fit it before exporting`, { kind: e.kind });
}

function positiveIndex(positive: number | string | undefined, classNames: readonly string[]): number {
  if (positive === undefined) return 1; // class 1 = C2, the signal, as everywhere in discern
  if (typeof positive === 'number') {
    if (!(Number.isInteger(positive) && positive >= 0 && positive < classNames.length)) throw invalid(`positive class ${positive} is not one of 0..${classNames.length - 1}`, { positive });
    return positive;
  }
  const i = classNames.indexOf(positive);
  if (i < 0) throw invalid(`positive class '${positive}' is not among the class names ${JSON.stringify(classNames)}`, { positive });
  return i;
}

function checkVector(v: ArrayLike<number>, p: number, what: string, ok: (x: number) => boolean, accepted: string): void {
  if (v.length !== p) throw invalid(`standardizer.${what} has ${v.length} values for ${p} features`, { what, got: v.length, expected: p });
  for (let j = 0; j < p; j++) if (!ok(v[j]!)) throw invalid(`standardizer.${what}[${j}] is ${v[j]}; expected ${accepted}`, { what, index: j, value: v[j] });
}

function applyStandardizer(X: DenseMatrix, s: StandardizerLike | undefined): DenseMatrix {
  if (!s) return X;
  const { rows: n, cols: p, data } = X;
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[i * p + j] = (data[i * p + j]! - s.mean[j]!) / s.scale[j]!;
  return { rows: n, cols: p, data: out };
}

/** The built graph before its parity check. */
export interface BuiltModel {
  readonly bytes: Uint8Array;
  readonly family: Family;
  readonly rule: DecisionRule | undefined;
  readonly dtype: FloatType;
  /** The type the graph computes in: dtype, or float64 for a family that needs it (Family.compute). */
  readonly compute: FloatType;
  readonly positive: number;
  readonly negative: number;
  readonly outputs: readonly string[];
}

/** Builds the ONNX bytes without the parity check (exportModel is the checked door). */
export function buildModel(o: ExportModelOptions): BuiltModel {
  checkFitted(o.estimator);
  const inner = familyOf(o.estimator);
  if (o.calibration && (inner.role !== 'classifier' || o.calibration.classes !== inner.K))
    throw invalid(`a calibration of ${o.calibration.classes} classes was given for a ${inner.role === 'classifier' ? `${inner.K}-class classifier` : `'${inner.kind}' model, which has no class posteriors`}`);
  const family = o.calibration ? calibratedFamily(inner, o.calibration) : inner;
  if (o.kind !== undefined && o.kind !== family.kind) throw invalid(`kind '${o.kind}' was given for a model of kind '${family.kind}'`, { kind: o.kind });
  const p = family.nFeatures;
  const dtype = o.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw invalid(`dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  if (o.featureNames.length !== p) throw invalid(`${o.featureNames.length} feature names for a model of ${p} features`, { names: o.featureNames.length, features: p });
  if (new Set(o.featureNames).size !== p) throw invalid(`feature names must be distinct: ${JSON.stringify(o.featureNames)}`);
  const isClassifier = family.role === 'classifier';
  const classNames = o.classNames ?? Array.from({ length: family.K }, (_, k) => String(k));
  if (isClassifier && classNames.length !== family.K) throw invalid(`${classNames.length} class names for a model of ${family.K} classes`, { names: classNames.length, classes: family.K });
  const positive = isClassifier ? positiveIndex(o.positive, classNames) : 1;
  const negative = positive === 0 ? 1 : 0;
  if (o.standardizer) {
    checkVector(o.standardizer.mean, p, 'mean', Number.isFinite, 'a finite number');
    checkVector(o.standardizer.scale, p, 'scale', (v) => Number.isFinite(v) && v > 0, 'a positive finite number');
  }
  const rule = o.decision ? resolveRule(o.decision, family, positive) : undefined;

  const compute: FloatType = family.compute ?? dtype;
  const b = new GraphBuilder(compute, `discern_${family.kind}`, dtype);
  const N: Dim = 'N';
  const x0 = b.input(INPUT_NAME, [N, p], `features ${o.featureNames.join(', ')}`);
  const x = o.standardizer && !family.rawInput ? standardize(b, x0, o.standardizer.mean, o.standardizer.scale) : x0;
  const heads: Heads = family.rawInput ? family.build(b, x, positive, negative, o.standardizer) : family.build(b, x, positive, negative);
  const outputs: string[] = [];
  const out = (name: string, value: string | undefined, cols: number | undefined, doc: string) => {
    if (value === undefined) return;
    b.output(name, value, 'float', cols === undefined ? [N] : [N, cols], doc);
    outputs.push(name);
  };
  const K = family.K;
  out('probabilities', heads.proba, K, `P(class | x), classes ${classNames.join(', ')}`);
  out('score', heads.score, undefined, family.scoreKind === 'llr' ? `log p(x|${classNames[positive]}) − log p(x|${classNames[negative]})` : `P(${classNames[positive]} | x)`);
  out('log_densities', heads.logDensities, K, 'log p(x | class)');
  out('log_density', heads.logDensity, undefined, 'log p(x)');
  out('responsibilities', heads.responsibilities, K, 'P(component | x)');
  out('distances', heads.distances, K, 'Euclidean distance to each centre');
  b.output('label', rule ? decisionGraph(b, rule, heads) : heads.label, 'int64', [N], rule ? `decision: ${rule.kind}` : 'argmax');
  outputs.push('label');

  const meta: Record<string, string> = {
    [META.version]: discernVersion(),
    [META.model]: family.kind,
    [META.features]: JSON.stringify(o.featureNames),
    [META.dtype]: dtype,
    // only where it differs from dtype, so a graph that computes in its input type keeps the bytes it had before
    ...(compute !== dtype ? { [META.compute]: compute } : {}),
    [META.decision]: JSON.stringify(rule ? ruleToJSON(rule) : { kind: 'argmax' }),
  };
  if (isClassifier) {
    meta[META.classes] = JSON.stringify(classNames);
    meta[META.probaOutput] = 'probabilities';
    if (K === 2) meta[META.positive] = classNames[positive]!;
    if (heads.score) meta[META.score] = JSON.stringify({ output: 'score', kind: family.scoreKind });
  }
  if (o.standardizer) meta[META.standardizer] = JSON.stringify({ mean: Array.from(o.standardizer.mean), scale: Array.from(o.standardizer.scale) });
  if (o.calibration) meta[META.calibration] = JSON.stringify(o.calibration);
  // a fold ensemble takes NaN when its fold models do (the graph passes it to their trees): say so to `score`
  const est = o.estimator as { takesMissing?: unknown };
  if (!takesMissing(family.kind) && est.takesMissing === true) meta[META.missing] = 'keep';
  const bytes = b.build({ producerVersion: discernVersion(), docString: `discern ${family.kind} model, opset ${OPSET}, ${dtype}${compute !== dtype ? ` (computed in ${compute})` : ''}`, metadata: meta });
  return { bytes, family, rule, dtype, compute, positive, negative, outputs };
}

export interface ExportResult {
  readonly bytes: Uint8Array;
  readonly parity: ParityReport;
  readonly outputs: readonly string[];
  /** What a user of the graph should know beyond parity (e.g. float32 trees after a standardisation); empty mostly. */
  readonly notes: readonly string[];
}

/**
 * Builds and checks parity on the sample, or on rows drawn from the training summary; ONNX_PARITY (with the figures)
 * when the graph disagrees with the model.
 */
export async function exportModelChecked(o: ExportOptions): Promise<ExportResult> {
  const built = buildModel(o);
  const { family } = built;
  const hasSample = o.sample !== undefined, hasTraining = o.training !== undefined;
  if (hasSample === hasTraining)
    throw invalid(hasSample ? 'give the parity rows as sample or as training, not both' : 'the parity check needs rows: give sample (raw feature rows) or training (the summary of the training data)');
  if (o.training !== undefined && o.training.min?.length !== family.nFeatures)
    throw invalid(`the training summary describes ${Array.isArray(o.training.min) ? o.training.min.length : 'no'} features, the model has ${family.nFeatures}`, { expected: family.nFeatures });
  const sample = o.sample ?? drawParityRows(o.training!, { integer: COUNT_KINDS.has(family.kind) });
  if (!sample || sample.cols !== family.nFeatures || sample.rows < 1)
    throw invalid(`the parity sample must be a non-empty matrix with ${family.nFeatures} columns, got ${sample ? `${sample.rows}×${sample.cols}` : 'none'}`);
  const X = built.dtype === 'float32' ? roundToFloat32(sample) : sample;
  const ref = family.reference(applyStandardizer(X, o.standardizer), built.positive, built.negative);
  const parity = await checkParity(built.bytes, X, ref, family, built.rule, built.dtype, INPUT_NAME);
  return { bytes: built.bytes, parity, outputs: built.outputs, notes: float32TreeNotes(family, built.dtype, sample, X, ref, o, built) };
}

/**
 * Trees fitted after a standardisation take the raw input with the standardisation folded into their thresholds; in a
 * float32 graph a double input within float32 rounding of a threshold (in raw units) may take the other branch than
 * the model takes on the double (the parity above is on the rounded rows, which both sides see alike). Counts the
 * parity rows where that happens, so that the user knows to export float64 (exact) for such a model.
 */
function float32TreeNotes(family: Family, dtype: string, sample: DenseMatrix, X: DenseMatrix, ref: Reference, o: ExportOptions, built: { positive: number; negative: number }): string[] {
  if (dtype !== 'float32' || !family.rawInput || !o.standardizer || !ref.proba || sample === X) return [];
  const exact = family.reference(applyStandardizer(sample, o.standardizer), built.positive, built.negative).proba!;
  let moved = 0, worst = 0;
  for (let i = 0; i < exact.rows; i++) {
    let d = 0;
    for (let k = 0; k < exact.cols; k++) d = Math.max(d, Math.abs(exact.data[i * exact.cols + k]! - ref.proba.data[i * exact.cols + k]!));
    if (d > 1e-5) moved++;
    worst = Math.max(worst, d);
  }
  if (moved === 0) return [];
  return [
    `float32 input: ${moved} of ${exact.rows} parity rows lie within float32 rounding of a split threshold (the standardisation is folded into the thresholds) and score differently from the model on the double values (max |Δ| ${worst.toExponential(2)}); export as float64 to score as the model does, or fit the trees without a standardize step (trees do not need one)`,
  ];
}

/** The checked export: ONNX bytes that reproduce the TypeScript model on `sample`. */
export async function exportModel(o: ExportOptions): Promise<Uint8Array> {
  return (await exportModelChecked(o)).bytes;
}

/** How exportModelFile names its output in messages, and the files the output must not be. */
export interface ExportFileOptions {
  /** How the path was given (default 'the ONNX file'); a command passes its option, '--out'. */
  readonly what?: string;
  /** The option name messages use, renamable (default 'out'). */
  readonly option?: string;
  /** Files the command reads (the saved model, a data file): writing over one is OUTPUT_IS_INPUT. */
  readonly inputs?: readonly NamedPath[];
}

/**
 * Exports to `path` (atomically: temporary file, then rename) after the parity check; writes nothing on failure.
 * The path is checked first (a folder, a missing folder, an input file), so that no export is built for nothing.
 */
export async function exportModelFile(path: string, o: ExportOptions, file: ExportFileOptions = {}): Promise<ExportResult> {
  checkOutputPath(path, { what: file.what ?? 'the ONNX file', option: file.option ?? 'out', ...(file.inputs ? { inputs: file.inputs } : {}) });
  const result = await exportModelChecked(o);
  await writeFileAtomicAsync(path, async (write) => write(result.bytes));
  return result;
}
