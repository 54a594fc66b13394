import type * as Report from '@discern/report';
import { type StepReport } from '../step.js';
import { type CutInput, type OperatingPointInput, type RocInput, type ScoresInput, fileSafe } from './inputs.js';

type ReportModule = typeof Report;

/** One plot to draw: its file name under plots/, the report section it belongs to, and how to make its Vega-Lite spec. */
export interface PlotJob {
  readonly file: string;
  readonly section: string;
  readonly caption: string;
  spec(): unknown;
}

/** ROC and rejection curves of all binary classifiers judged on one dataset, side by side in one plot each. */
function comparisonPlots(r: ReportModule, curves: readonly RocInput[], points: readonly OperatingPointInput[], ds: string, section: string): PlotJob[] {
  const many = curves.length > 1;
  const models = new Set(curves.map((c) => c.model));
  const marks = points
    .filter((p) => p.dataset === ds && models.has(p.model))
    .map((p) => ({ name: `${many ? `${curves.find((c) => c.model === p.model)!.name}: ` : ''}${p.label}`, fpr: p.fpr, tpr: p.tpr }));
  const suffix = many ? ds : `${curves[0]!.name}-${ds}`;
  const what = curves.map((c) => c.name).join(', ');
  return [
    {
      file: fileSafe(`roc-${suffix}`),
      section,
      caption: `ROC curve of ${what} on ${ds}${marks.length ? ', with the operating points chosen by decide' : ''}; AUC with its 95 % interval.`,
      spec: () =>
        r.rocPlot({
        curves: curves.map((c) => ({ name: c.name, fpr: [...c.fpr], tpr: [...c.tpr], ...(c.auc !== undefined ? { auc: c.auc } : {}), ...(c.aucInterval ? { aucInterval: [c.aucInterval[0], c.aucInterval[1]] as [number, number] } : {}) })),
        operatingPoints: marks,
        title: `ROC curve (${ds})`,
      }),
    },
    ...(['rejection', 'inverse'] as const).map((mode) => ({
      file: fileSafe(`${mode === 'rejection' ? 'rejection' : 'inverse-rejection'}-${suffix}`),
      section,
      caption: mode === 'rejection' ? `Background rejection 1 − εB against signal efficiency εS on ${ds} (as TMVA draws it).` : `Rejection factor 1/εB against signal efficiency εS on ${ds}, log axis.`,
      spec: () =>
        r.rejectionPlot({
        mode,
        curves: curves.map((c) => ({ name: c.name, signalEff: [...c.tpr], backgroundEff: [...c.fpr] })),
        operatingPoints: marks.map((p) => ({ name: p.name, signalEff: p.tpr, backgroundEff: p.fpr })),
        title: mode === 'rejection' ? `Background rejection (${ds})` : `Rejection factor 1/εB (${ds})`,
      }),
    })),
  ];
}

/** The classifier output plot, with the last cut a decision chose for its model (dashed, labelled by the decision). */
function scorePlot(r: ReportModule, s: ScoresInput, cut: CutInput | undefined, section: string): PlotJob {
  return {
    file: s.file,
    section,
    caption: `${s.caption}${cut ? '; dashed: the cut chosen by decide' : ''}.`,
    spec: () =>
      r.scoreDistributionPlot({
      test: s.test,
      ...(s.train ? { train: s.train } : {}),
      range: [0, 1],
      classNames: [s.classNames[0], s.classNames[1]],
      ...(s.ksPValues ? { ksPValues: s.ksPValues } : {}),
      ...(cut ? { threshold: cut.threshold, thresholdLabel: `${cut.label}: ${+cut.threshold.toPrecision(3)}` } : {}),
      xTitle: s.xTitle,
      title: s.title,
    }),
  };
}

/**
 * Every plot of a run, from the steps' sections in step order. Inputs about one dataset are drawn together: the ROC
 * curves of every evaluation judged on it in one plot (and its two rejection plots), with the operating points of
 * the decisions on it; each output plot with the last cut chosen for its model.
 */
export function drawPlots(r: ReportModule, sections: readonly StepReport[]): PlotJob[] {
  const inputs = sections.flatMap((s) => (s.plots ?? []).map((p) => ({ p, section: s.title })));
  const points = inputs.map((i) => i.p).filter((p): p is OperatingPointInput => p.kind === 'operating-point');
  const cuts = new Map<string, CutInput>();
  for (const { p } of inputs) if (p.kind === 'cut') cuts.set(p.model, p);
  const jobs: PlotJob[] = [];
  const rocByDataset = new Map<string, { curves: RocInput[]; section: string }>();
  for (const { p, section } of inputs) {
    if (p.kind !== 'roc') continue;
    const g = rocByDataset.get(p.dataset) ?? { curves: [], section };
    g.curves.push(p);
    rocByDataset.set(p.dataset, g);
  }
  for (const [ds, g] of rocByDataset) jobs.push(...comparisonPlots(r, g.curves, points, ds, g.section));
  for (const { p, section } of inputs) {
    if (p.kind === 'scores') jobs.push(scorePlot(r, p, cuts.get(p.model), section));
    else if (p.kind === 'spec') jobs.push({ file: p.file, section, caption: p.caption, spec: () => p.spec() });
  }
  return jobs;
}
