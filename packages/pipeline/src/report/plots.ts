import { rocCurvePoints } from '@discern/metrics';
import { type Estimator } from '@discern/models';
import { type FittedModel, type RunContext } from '../context.js';
import { clusterAssignments } from '../steps/clusters.js';
import { cachedScores, positiveScore, scoreOrder } from '../steps/scores.js';
import { type DecisionRecord, type EvaluationRecord, type ReportModule } from './records.js';
import { CurveThinner } from './thin.js';

/** One plot to draw: its file name under plots/, the report section it belongs to, and how to build it. */
export interface PlotJob {
  readonly name: string;
  readonly section: string;
  readonly caption: string;
  build(r: ReportModule): unknown;
}

type Json = Record<string, unknown>;

/** The dataset an evaluation is judged on in the plots: test when evaluated there, else the last one named. */
export function judgedOn(e: EvaluationRecord): string {
  return e.on.includes('test') ? 'test' : e.on[e.on.length - 1]!;
}

const fileSafe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '') || 'plot';

function metricsOf(ctx: RunContext, e: EvaluationRecord, ds: string): Json | undefined {
  return (ctx.metrics[e.key] as Json | undefined)?.[ds] as Json | undefined;
}

function pointsOf(ctx: RunContext, model: string, ds: string, prefix: string): { name: string; fpr: number; tpr: number }[] {
  return ctx.records.decisions
    .filter((d) => d.model === model)
    .flatMap((d) => d.points.filter((p) => p.dataset === ds).map((p) => ({ name: `${prefix}${d.label}`, fpr: p.fpr, tpr: p.tpr })));
}

interface BinaryCurve {
  readonly e: EvaluationRecord;
  readonly fitted: FittedModel;
  readonly ds: string;
  readonly fpr: number[];
  readonly tpr: number[];
}

function binaryCurves(ctx: RunContext, evals: readonly EvaluationRecord[]): BinaryCurve[] {
  return evals.map((e) => {
    const fitted = ctx.fittedModel(e.model);
    const ds = judgedOn(e);
    const data = ctx.labels(ds);
    const pos = fitted.positive ?? 1;
    const score = positiveScore(cachedScores(ctx, e.model, ds), pos);
    // The curve is walked point by point and thinned as it goes: a few hundred points are kept of millions.
    const thin = new CurveThinner();
    rocCurvePoints(data.y, score, { ...(data.weights ? { weights: data.weights } : {}), order: scoreOrder(score), posLabel: pos }, (fpr, tpr) => thin.push(fpr, tpr));
    const t = thin.finish();
    return { e, fitted, ds, fpr: t.x, tpr: t.y };
  });
}

/** ROC and rejection curves of all binary classifiers judged on one dataset, side by side in one plot each. */
function comparisonPlots(ctx: RunContext, curves: BinaryCurve[], ds: string, section: string): PlotJob[] {
  const many = curves.length > 1;
  const points = curves.flatMap((c) => pointsOf(ctx, c.e.model, ds, many ? `${c.e.key}: ` : ''));
  const suffix = many ? `${ds}` : `${curves[0]!.e.key}-${ds}`;
  const what = many ? curves.map((c) => c.e.key).join(', ') : curves[0]!.e.key;
  return [
    {
      name: fileSafe(`roc-${suffix}`),
      section,
      caption: `ROC curve of ${what} on ${ds}${points.length ? ', with the operating points chosen by decide' : ''}; AUC with its 95 % interval.`,
      build: (r) =>
        r.rocPlot({
          curves: curves.map((c) => {
            const m = metricsOf(ctx, c.e, ds);
            const ai = m?.auc_interval as { interval: [number, number] } | undefined;
            return { name: c.e.key, fpr: c.fpr, tpr: c.tpr, ...(typeof m?.auc === 'number' ? { auc: m.auc } : {}), ...(ai ? { aucInterval: ai.interval } : {}) };
          }),
          operatingPoints: points,
          title: `ROC curve (${ds})`,
        }),
    },
    ...(['rejection', 'inverse'] as const).map((mode) => ({
      name: fileSafe(`${mode === 'rejection' ? 'rejection' : 'inverse-rejection'}-${suffix}`),
      section,
      caption: mode === 'rejection' ? `Background rejection 1 − εB against signal efficiency εS on ${ds} (as TMVA draws it).` : `Rejection factor 1/εB against signal efficiency εS on ${ds}, log axis.`,
      build: (r: ReportModule) =>
        r.rejectionPlot({
          mode,
          curves: curves.map((c) => ({ name: c.e.key, signalEff: c.tpr, backgroundEff: c.fpr })),
          operatingPoints: points.map((p) => ({ name: p.name, signalEff: p.tpr, backgroundEff: p.fpr })),
          title: mode === 'rejection' ? `Background rejection (${ds})` : `Rejection factor 1/εB (${ds})`,
        }),
    })),
  ];
}

function lastThreshold(decisions: readonly DecisionRecord[], model: string): DecisionRecord | undefined {
  return decisions.findLast((d) => d.model === model && d.scoreThreshold !== undefined && Number.isFinite(d.scoreThreshold) && d.scoreThreshold >= 0 && d.scoreThreshold <= 1);
}

/**
 * Names the dashed cut of a score plot after the decision that chose it, and keeps its label inside the frame
 * when the cut sits near the right edge (the library writes it to the right of the line).
 */
function labelCut(spec: unknown, d: DecisionRecord): unknown {
  const t = d.scoreThreshold!;
  for (const layer of ((spec as { layer?: Json[] }).layer ?? [])) {
    const values = ((layer.data as Json | undefined)?.values ?? []) as Json[];
    const mark = layer.mark as Json | undefined;
    if (mark?.type !== 'text' || values.length !== 1 || typeof values[0]?.label !== 'string' || !String(values[0].label).startsWith('threshold')) continue;
    values[0].label = `${d.label}: ${+t.toPrecision(3)}`;
    if (t > 0.6) Object.assign(mark, { align: 'right', dx: -4 });
  }
  return spec;
}

/** Classifier output for signal and background on the judged dataset, with the training sample overlaid. */
function scorePlot(ctx: RunContext, c: BinaryCurve, section: string): PlotJob {
  const pos = c.fitted.positive ?? 1;
  const split = (ds: string) => {
    const data = ctx.labels(ds);
    const s = positiveScore(cachedScores(ctx, c.e.model, ds), pos);
    let nSig = 0;
    for (let i = 0; i < s.length; i++) if (data.y[i] === pos) nSig++;
    const w = data.weights;
    const out = { signal: new Float64Array(nSig), background: new Float64Array(s.length - nSig) };
    const ws = w ? { signalWeights: new Float64Array(nSig), backgroundWeights: new Float64Array(s.length - nSig) } : undefined;
    for (let i = 0, a = 0, b = 0; i < s.length; i++) {
      if (data.y[i] === pos) {
        if (ws) ws.signalWeights[a] = w![i]!;
        out.signal[a++] = s[i]!;
      } else {
        if (ws) ws.backgroundWeights[b] = w![i]!;
        out.background[b++] = s[i]!;
      }
    }
    return ws ? { ...out, ...ws } : out;
  };
  const overlay = ctx.hasDataset('train') && !ctx.sameDataset('train', c.ds) && c.ds !== 'train';
  const ot = metricsOf(ctx, c.e, c.ds)?.overtraining as { signal: { p_value: number }; background: { p_value: number } } | undefined;
  const decision = lastThreshold(ctx.records.decisions, c.e.model);
  const threshold = decision?.scoreThreshold;
  const names = c.fitted.classNames;
  return {
    name: fileSafe(`scores-${c.e.key}-${c.ds}`),
    section,
    caption: `Output of ${c.e.key}, P(${names[pos]}), for ${names[pos]} (signal) and ${names[pos === 1 ? 0 : 1]} (background) on ${c.ds}${overlay ? ', training sample overlaid (points) with the Kolmogorov–Smirnov probabilities' : ''}${threshold !== undefined ? '; dashed: the cut chosen by decide' : ''}.`,
    build: (r) => {
      const spec = r.scoreDistributionPlot({
        test: split(c.ds),
        ...(overlay ? { train: split('train') } : {}),
        range: [0, 1],
        classNames: [names[pos === 1 ? 0 : 1]!, names[pos]!],
        ...(ot ? { ksPValues: { signal: ot.signal.p_value, background: ot.background.p_value } } : {}),
        ...(threshold !== undefined ? { threshold } : {}),
        xTitle: `Classifier output P(${names[pos]})`,
        title: `Classifier output: ${c.e.key} (${c.ds})`,
      });
      return decision ? labelCut(spec, decision) : spec;
    },
  };
}

function confusionPlot(name: string, title: string, section: string, caption: string, cm: { labels: string[]; counts: number[][] }): PlotJob {
  return { name: fileSafe(name), section, caption, build: (r) => r.confusionMatrixPlot({ labels: cm.labels, counts: cm.counts, title }) };
}

/** Loss (or log-likelihood) per iteration from the fit report; the MLP's validation loss beside its training loss. */
function historyPlotJob(m: FittedModel, section: string): PlotJob | undefined {
  const rep = (m.estimator as Estimator).fitReport;
  if (!rep || rep.history.length < 2) return undefined;
  const series = [{ name: 'training', values: [...rep.history] }];
  const val = rep.details?.validationLoss;
  if (Array.isArray(val) && val.length > 1 && val.every((v) => typeof v === 'number')) series.push({ name: 'validation', values: val as number[] });
  const label = rep.historyLabel.split(/ \(| per | before | after |, /)[0]!;
  const yTitle = label.charAt(0).toUpperCase() + label.slice(1);
  const em = /log-likelihood/.test(rep.historyLabel);
  return {
    name: fileSafe(`history-${m.name}`),
    section,
    caption: `${rep.historyLabel} of ${m.name} (${m.model}), per ${em ? 'EM iteration' : /epoch/.test(rep.historyLabel) || m.model === 'mlp' ? 'epoch' : 'iteration'}.`,
    build: (r) => r.historyPlot({ series, yTitle, xTitle: em ? 'EM iteration' : m.model === 'mlp' ? 'Epoch' : 'Iteration', title: `Fit history: ${m.name} (${m.model})` }),
  };
}

interface GmmLike {
  readonly means: { rows: number; cols: number; data: Float64Array };
  readonly weights: Float64Array;
  covarianceMatrix(k: number): { rows: number; cols: number; data: Float64Array };
}

/** Data and clusters in two features (raw units), with the mixture's 1σ and 2σ ellipses when it has covariances. */
function clusterPlotJob(ctx: RunContext, e: EvaluationRecord, section: string): PlotJob | undefined {
  const m = ctx.fittedModel(e.model);
  const ds = e.on[0]!;
  const data = ctx.dataset(ds);
  if (data.X.cols < 2) return undefined;
  const wanted = ctx.config.report.cluster_features;
  const [a, b] = wanted ? wanted.map((f) => m.featureNames.indexOf(f)) : [0, 1];
  if (a === undefined || b === undefined || a < 0 || b < 0) return undefined;
  const X = ctx.standardizer ? ctx.standardizer.inverseTransform(data.X) : data.X;
  const labels = clusterAssignments(ctx, e.model, ds);
  const xs = new Float64Array(X.rows), ys = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    xs[i] = X.data[i * X.cols + a]!;
    ys[i] = X.data[i * X.cols + b]!;
  }
  const est = m.estimator as unknown as Partial<GmmLike>;
  const ellipses: { name: string; mean: [number, number]; cov: [[number, number], [number, number]]; weight: number }[] = [];
  if (est.means && est.weights && typeof est.covarianceMatrix === 'function') {
    // Back to raw units when the model was fitted on standardised features: μ' = μ·s + m, Σ' = S Σ S.
    const mu = ctx.standardizer && m.standardizer ? m.standardizer.mean : undefined;
    const sc = ctx.standardizer && m.standardizer ? m.standardizer.scale : undefined;
    const sa = sc ? sc[a]! : 1, sb = sc ? sc[b]! : 1;
    const p = est.means.cols;
    for (let k = 0; k < est.means.rows; k++) {
      const C = est.covarianceMatrix(k).data;
      ellipses.push({
        name: `component ${k + 1}`,
        mean: [est.means.data[k * p + a]! * sa + (mu ? mu[a]! : 0), est.means.data[k * p + b]! * sb + (mu ? mu[b]! : 0)],
        cov: [
          [C[a * p + a]! * sa * sa, C[a * p + b]! * sa * sb],
          [C[b * p + a]! * sa * sb, C[b * p + b]! * sb * sb],
        ],
        weight: est.weights[k]!,
      });
    }
  }
  const fx = m.featureNames[a]!, fy = m.featureNames[b]!;
  return {
    name: fileSafe(`clusters-${e.key}-${ds}`),
    section,
    caption: `${e.key} (${m.model}) on ${ds}: each event coloured by its cluster, in ${fx} and ${fy}${ellipses.length ? ', with each component’s 1σ and 2σ ellipses' : ''}.`,
    build: (r) =>
      r.clusterPlot({ x: xs, y: ys, group: Array.from(labels, (l) => `component ${l + 1}`), xTitle: fx, yTitle: fy, ellipses, title: `Clusters: ${e.key} (${m.model}, ${ds})` }),
  };
}

/** Every plot of a run, in report order. */
export function plotJobs(ctx: RunContext): PlotJob[] {
  const jobs: PlotJob[] = [];
  const evals = ctx.records.evaluations.filter((e) => ctx.models.has(e.model));
  const binary = evals.filter((e) => ctx.fittedModel(e.model).supervised && ctx.fittedModel(e.model).classNames.length === 2);
  const byDataset = new Map<string, EvaluationRecord[]>();
  for (const e of binary) byDataset.set(judgedOn(e), [...(byDataset.get(judgedOn(e)) ?? []), e]);
  for (const [ds, list] of byDataset) {
    const curves = binaryCurves(ctx, list);
    jobs.push(...comparisonPlots(ctx, curves, ds, 'Classifier performance'));
    for (const c of curves) jobs.push(scorePlot(ctx, c, 'Classifier performance'));
  }
  for (const e of evals) {
    const fitted = ctx.fittedModel(e.model);
    const ds = judgedOn(e);
    if (fitted.supervised) {
      const cm = metricsOf(ctx, e, ds)?.confusion_matrix as { labels: string[]; counts: number[][] } | undefined;
      if (cm) jobs.push(confusionPlot(`confusion-${e.key}-${ds}`, `Confusion matrix: ${e.key} (${ds})`, 'Classifier performance', `Confusion matrix of ${e.key} on ${ds} at its default decision (argmax, or P ≥ threshold for two classes); colour: share of the true class.`, cm));
    } else {
      const job = clusterPlotJob(ctx, e, 'Clusters');
      if (job) jobs.push(job);
    }
  }
  for (const d of ctx.records.decisions) {
    const entry = (ctx.metrics.decisions as Json | undefined)?.[d.name] as Json | undefined;
    const judged = Object.keys(entry ?? {}).filter((k) => (entry?.[k] as Json | undefined)?.confusion_matrix !== undefined);
    const ds = judged.includes('test') ? 'test' : judged[judged.length - 1];
    const cm = ds ? ((entry?.[ds] as Json | undefined)?.confusion_matrix as { labels: string[]; counts: number[][] } | undefined) : undefined;
    const rejected = ds ? Object.values(((entry?.[ds] as Json | undefined)?.rejected ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0) : 0;
    const rejText = rejected > 0 ? `, ${rejected} rejected` : '';
    if (ds && cm)
      jobs.push(confusionPlot(`decision-${d.name}-${ds}`, `Decisions: ${d.name} (${ds}${rejText})`, 'Decisions', `Confusion matrix of the decisions of ${d.name} (${d.label}) on ${ds}${rejected > 0 ? `; ${rejected} rejected events (reject option) are not in the matrix` : ''}.`, cm));
  }
  for (const m of ctx.models.values()) {
    const job = historyPlotJob(m, 'Fit history');
    if (job) jobs.push(job);
  }
  for (const f of ctx.records.figures) jobs.push({ name: fileSafe(f.name), section: f.section, caption: f.caption, build: f.build });
  return jobs;
}
