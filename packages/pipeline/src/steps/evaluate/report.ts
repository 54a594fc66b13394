import type { ReportTable } from '@discern/report';
import { rocCurvePoints } from '@discern/metrics';
import { GaussianMixture } from '@discern/models';
import { type FittedModel } from '../../context.js';
import { type ClassScores, type PlotInput, fileSafe } from '../../report/inputs.js';
import { cell, flatten } from '../../report/tables.js';
import { type RunView } from '../../report/view.js';
import { type StepReport } from '../../step.js';
import { positiveScore, scoreOrder } from '../scores.js';
import { clusterAssignments } from './clusters.js';
import { type EvaluateParams } from './index.js';
import { type ClassifierFigures, type ClusterFigures, type EvaluateResult } from './result.js';

const CLASSIFIER_COLUMNS: [keyof ClassifierFigures, string][] = [
  ['n', 'n'],
  ['auc', 'AUC'],
  ['accuracy', 'accuracy'],
  ['precision', 'precision'],
  ['recall', 'recall'],
  ['f1', 'F1'],
  ['log_loss', 'log loss'],
  ['average_precision', 'average precision'],
];

/** Tables of one evaluation of a classifier: headline metrics per dataset, then the physics figures. */
export function classifierTables(key: string, m: Record<string, ClassifierFigures>): ReportTable[] {
  const datasets = Object.keys(m);
  const tables: ReportTable[] = [
    {
      caption: `${key}: metrics per dataset`,
      columns: ['dataset', ...CLASSIFIER_COLUMNS.map((c) => c[1])],
      rows: datasets.map((ds) => {
        const d = m[ds]!;
        return [ds, ...CLASSIFIER_COLUMNS.map(([k]) => (k === 'auc' && d.auc_interval ? cell({ value: d.auc, interval: d.auc_interval.interval }) : cell(d[k])))];
      }),
    },
  ];
  for (const ds of datasets) {
    const d = m[ds]!;
    const ph = d.physics;
    const eb = ph?.background_at_signal_efficiency;
    if (eb && Object.keys(eb).length) {
      tables.push({
        caption: `${key} on ${ds}: background at fixed signal efficiency (${String(ph!.interval)} ${Number(ph!.confidence) * 100} % intervals)`,
        columns: ['εS', 'εB', '1 − εB', '1/εB'],
        rows: Object.entries(eb).map(([es, r]) => [Number(es), cell(r.background_efficiency), cell(r.background_rejection), cell(r.rejection_factor)]),
      });
    }
    const es = ph?.signal_at_background_efficiency;
    if (es && Object.keys(es).length) {
      tables.push({ caption: `${key} on ${ds}: signal efficiency at fixed background efficiency`, columns: ['εB', 'εS'], rows: Object.entries(es).map(([eb2, r]) => [Number(eb2), cell(r.signal_efficiency)]) });
    }
    const sig = ph?.significance;
    if (sig) {
      tables.push({
        caption: `${key} on ${ds}: best cuts of the significance scan (signal × ${String(sig.signal_scale)}, background × ${String(sig.background_scale)})`,
        columns: ['figure', 'value', 'cut on output', 's', 'b', 'εS', 'εB'],
        rows: (
          [
            ['s/√b', sig.s_over_sqrt_b],
            ['s/√(s+b)', sig.s_over_sqrt_s_plus_b],
            ['Asimov Z_A', sig.asimov],
          ] as const
        ).map(([label, b]) => [label, cell(b?.value), cell(b?.threshold), cell(b?.s), cell(b?.b), cell(b?.signal_efficiency), cell(b?.background_efficiency)]),
      });
    }
    const ot = d.overtraining;
    if (ot) {
      tables.push({
        caption: `${key}: overtraining check, Kolmogorov–Smirnov test of the output on ${String(ot.train)} against ${ds}`,
        columns: ['class', 'KS statistic D', 'p-value'],
        rows: [
          ['signal', cell(ot.signal.ks_statistic), cell(ot.signal.p_value)],
          ['background', cell(ot.background.ks_statistic), cell(ot.background.p_value)],
        ],
      });
    }
  }
  return tables;
}

/** The dataset an evaluation is judged on in the plots: test when evaluated there, else the last one named. */
function judgedOn(on: readonly string[]): string {
  return on.includes('test') ? 'test' : on[on.length - 1]!;
}

/** Scores of the positive class split by true class, with weights when the data are weighted. */
async function byClass(view: RunView, model: string, ds: string, pos: number): Promise<ClassScores> {
  const data = view.dataset(ds);
  const s = positiveScore(await view.scores(model, ds), pos);
  let nSig = 0;
  for (let i = 0; i < s.length; i++) if (data.y[i] === pos) nSig++;
  const w = data.weights;
  const signal = new Float64Array(nSig), background = new Float64Array(s.length - nSig);
  const ws = w ? { signalWeights: new Float64Array(nSig), backgroundWeights: new Float64Array(s.length - nSig) } : undefined;
  for (let i = 0, a = 0, b = 0; i < s.length; i++) {
    if (data.y[i] === pos) {
      if (ws) ws.signalWeights[a] = w![i]!;
      signal[a++] = s[i]!;
    } else {
      if (ws) ws.backgroundWeights[b] = w![i]!;
      background[b++] = s[i]!;
    }
  }
  return { signal, background, ...(ws ?? {}) };
}

/** ROC curve (thinned as it is walked: a few hundred points of millions), output distributions of a binary classifier. */
async function binaryPlots(view: RunView, key: string, fitted: FittedModel, ds: string, m: ClassifierFigures): Promise<PlotInput[]> {
  const data = view.dataset(ds);
  const pos = fitted.positive ?? 1;
  const score = positiveScore(await view.scores(fitted.name, ds), pos);
  const { CurveThinner } = await import('@discern/report');
  const thin = new CurveThinner();
  rocCurvePoints(data.y, score, { ...(data.weights ? { weights: data.weights } : {}), order: scoreOrder(score), posLabel: pos }, (fpr, tpr) => thin.push(fpr, tpr));
  const curve = thin.finish();
  const names = fitted.classNames;
  const overlay = view.hasDataset('train') && !view.sameDataset('train', ds) && ds !== 'train';
  const ot = m.overtraining;
  return [
    {
      kind: 'roc',
      dataset: ds,
      name: key,
      model: fitted.name,
      fpr: curve.x,
      tpr: curve.y,
      ...(typeof m.auc === 'number' ? { auc: m.auc } : {}),
      ...(m.auc_interval ? { aucInterval: m.auc_interval.interval as [number, number] } : {}),
    },
    {
      kind: 'scores',
      file: fileSafe(`scores-${key}-${ds}`),
      name: key,
      model: fitted.name,
      dataset: ds,
      test: await byClass(view, fitted.name, ds, pos),
      ...(overlay ? { train: await byClass(view, fitted.name, 'train', pos) } : {}),
      classNames: [names[pos === 1 ? 0 : 1]!, names[pos]!],
      ...(ot && typeof ot.signal.p_value === 'number' && typeof ot.background.p_value === 'number' ? { ksPValues: { signal: ot.signal.p_value, background: ot.background.p_value } } : {}),
      xTitle: `Classifier output P(${names[pos]})`,
      title: `Classifier output: ${key} (${ds})`,
      caption: `Output of ${key}, P(${names[pos]}), for ${names[pos]} (signal) and ${names[pos === 1 ? 0 : 1]} (background) on ${ds}${overlay ? ', training sample overlaid (points) with the Kolmogorov–Smirnov probabilities' : ''}`,
    },
  ];
}

/** Data and clusters in two features (raw units), with the mixture's 1σ and 2σ ellipses when it has covariances. */
async function clusterPlot(view: RunView, key: string, fitted: FittedModel, ds: string): Promise<PlotInput | undefined> {
  const data = view.dataset(ds).whole();
  if (data.X.cols < 2) return undefined;
  const wanted = view.config.report.cluster_features;
  const [a, b] = wanted ? wanted.map((f) => fitted.featureNames.indexOf(f)) : [0, 1];
  if (a === undefined || b === undefined || a < 0 || b < 0) return undefined;
  const X = view.standardizer ? view.standardizer.inverseTransform(data.X) : data.X;
  const st = view.standardizer ? fitted.standardizer : undefined;
  const labels = clusterAssignments(view, fitted.name, ds);
  const xs = new Float64Array(X.rows), ys = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    xs[i] = X.data[i * X.cols + a]!;
    ys[i] = X.data[i * X.cols + b]!;
  }
  const r = await import('@discern/report');
  const est = fitted.estimator;
  // A Gaussian mixture draws each component's 1σ and 2σ ellipses, in raw units when fitted on standardised features.
  const mu = est instanceof GaussianMixture ? est.means : undefined;
  const ellipses = () =>
    est instanceof GaussianMixture && mu
      ? r.mixtureEllipses(
          {
            means: Array.from({ length: mu.rows }, (_, k) => mu.data.subarray(k * mu.cols, (k + 1) * mu.cols)),
            covariances: Array.from({ length: mu.rows }, (_, k) => est.covarianceMatrix(k).data),
            weights: est.weights,
          },
          { features: [a, b], ...(st ? { unstandardize: { mean: st.mean, scale: st.scale } } : {}) },
        )
      : [];
  const fx = fitted.featureNames[a]!, fy = fitted.featureNames[b]!;
  return {
    kind: 'spec',
    file: fileSafe(`clusters-${key}-${ds}`),
    caption: `${key} (${fitted.model}) on ${ds}: each event coloured by its cluster, in ${fx} and ${fy}${est instanceof GaussianMixture ? ', with each component’s 1σ and 2σ ellipses' : ''}.`,
    spec: () => r.clusterPlot({ x: xs, y: ys, group: Array.from(labels, (l) => `component ${l + 1}`), xTitle: fx, yTitle: fy, ellipses: ellipses(), title: `Clusters: ${key} (${fitted.model}, ${ds})` }),
  };
}

/** The evaluation's section: its tables, the ROC and output plots of a binary classifier, a confusion matrix, clusters. */
export async function evaluateReport(result: EvaluateResult, view: RunView, p: EvaluateParams): Promise<StepReport> {
  const key = p.name ?? p.model;
  const fitted = view.fittedModel(p.model);
  const ds = judgedOn(p.on);
  if (!fitted.supervised) {
    const plot = await clusterPlot(view, key, fitted, p.on[0]!);
    return { title: 'Clusters', tables: [{ caption: key, columns: ['quantity', 'value'], rows: flatten(result as Record<string, ClusterFigures>) }], plots: plot ? [plot] : [] };
  }
  const figures = result as Record<string, ClassifierFigures>;
  const m = figures[ds]!;
  const plots: PlotInput[] = fitted.classNames.length === 2 ? await binaryPlots(view, key, fitted, ds, m) : [];
  const r = await import('@discern/report');
  plots.push({
    kind: 'spec',
    file: fileSafe(`confusion-${key}-${ds}`),
    caption: `Confusion matrix of ${key} on ${ds} at its default decision (argmax, or P ≥ threshold for two classes); colour: share of the true class.`,
    spec: () => r.confusionMatrixPlot({ labels: m.confusion_matrix.labels.map(String), counts: m.confusion_matrix.counts.map((row) => row.map(Number)), title: `Confusion matrix: ${key} (${ds})` }),
  });
  return { title: 'Classifier performance', tables: classifierTables(key, figures), plots };
}
