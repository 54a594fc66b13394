import type { DotItem, ReportTable, TableCell } from '@discern/report';
import { rocCurvePoints } from '@discern/metrics';
import { type RunContext, type ScoreSet } from '../../context.js';
import { type PlotInput, fileSafe } from '../../report/inputs.js';
import { cell } from '../../report/tables.js';
import { type RunView } from '../../report/view.js';
import { type StepReport } from '../../step.js';
import { classifierTables } from '../evaluate/report.js';
import { positiveScore, scoreOrder } from '../scores.js';
import { type CrossvalidateParams } from './index.js';
import { type CrossvalidateResult } from './result.js';

/**
 * What the report needs of a cross-validation besides its figures: the out-of-fold scores (for the ROC curve) and
 * the fit times (which stay out of metrics.json, so that it is the same from run to run). Kept per run — keyed by
 * the run's model map, which the report's view shares with the run — and per model name.
 */
export interface CvExtras {
  /** The out-of-fold scores (crossvalidate). */
  readonly oof?: ScoreSet;
  readonly seconds: readonly number[];
}

const extras = new WeakMap<object, Map<string, CvExtras>>();

export function keepForReport(ctx: Pick<RunContext, 'models'>, name: string, x: CvExtras): void {
  let m = extras.get(ctx.models);
  if (!m) extras.set(ctx.models, (m = new Map()));
  m.set(name, x);
}

export function extrasFor(view: Pick<RunView, 'models'>, name: string): CvExtras | undefined {
  return extras.get(view.models)?.get(name);
}

/** A figure rounded for a table cell (`digits` decimals); null when there is none. */
export const num = (v: number | null | undefined, digits = 4): TableCell => (typeof v === 'number' ? Number(v.toFixed(digits)) : null);

/** The section: folds (figures and fit time), the figures over the folds, the out-of-fold figures and ROC curve. */
export async function crossvalidateReport(result: CrossvalidateResult, view: RunView, p: CrossvalidateParams): Promise<StepReport> {
  const x = extrasFor(view, p.name);
  const effs = Object.keys(result.over_folds.background_rejection ?? {});
  const how =
    result.assignment === 'expression' ? `by the fold expression ${JSON.stringify(result.expression)}` : result.assignment === 'stratified' ? 'stratified by class, seeded' : 'at random, seeded';
  const tables: ReportTable[] = [
    {
      caption: `${p.name}: ${result.folds} folds of ${String(result.model)} (${how}${result.standardize ? ', each standardised by its training rows' : ''}); each fold's figures on its held-out events, its model fitted on the other folds`,
      columns: ['fold', 'events', 'training events', 'AUC', 'log loss', 'accuracy', ...effs.map((e) => `1 − εB at εS = ${e}`), 'fit time (s)'],
      rows: result.per_fold.map((f, i) => [
        f.fold,
        f.rows,
        f.train_rows,
        num(f.auc),
        num(f.log_loss),
        num(f.accuracy),
        ...effs.map((e) => num(f.background_rejection?.[e])),
        x ? num(x.seconds[i], 2) : null,
      ]),
    },
    {
      caption: `${p.name}: over the ${result.folds} folds${result.folds_without_auc ? ` (AUC over the ${Number(result.folds) - Number(result.folds_without_auc)} that have one: ${result.folds_without_auc} hold one class only)` : ''} — mean, standard deviation (n − 1) and the Student ${Number(result.confidence) * 100} % interval of the mean`,
      columns: ['figure', 'mean', 'standard deviation', 'interval of the mean'],
      rows: [
        ['AUC', result.over_folds.auc] as const,
        ['log loss', result.over_folds.log_loss] as const,
        ['accuracy', result.over_folds.accuracy] as const,
        ...effs.map((e) => [`1 − εB at εS = ${e}`, result.over_folds.background_rejection![e]!] as const),
      ].map(([name, s]) => [name, num(s.mean), num(s.sd), s.mean !== null && s.interval[0] !== null ? cell({ value: s.mean, interval: s.interval }) : null]),
    },
    ...classifierTables(`${p.name} (out of fold)`, { [p.train]: result.out_of_fold }),
  ];
  const plots: PlotInput[] = [];
  const fitted = view.fittedModel(p.name);
  if (x?.oof && fitted.classNames.length === 2) {
    const data = view.dataset(p.train);
    const pos = fitted.positive ?? 1;
    const score = positiveScore(x.oof, pos);
    const { CurveThinner } = await import('@discern/report');
    const thin = new CurveThinner();
    rocCurvePoints(data.y, score, { ...(data.weights ? { weights: data.weights } : {}), order: scoreOrder(score), posLabel: pos }, (fpr, tpr) => thin.push(fpr, tpr));
    const curve = thin.finish();
    const ai = result.out_of_fold.auc_interval;
    plots.push({
      kind: 'roc',
      dataset: `${p.train}, out of fold`,
      name: p.name,
      model: p.name,
      fpr: curve.x,
      tpr: curve.y,
      ...(typeof result.out_of_fold.auc === 'number' ? { auc: result.out_of_fold.auc } : {}),
      ...(ai ? { aucInterval: ai.interval as [number, number] } : {}),
    });
  }
  const a = result.over_folds.auc;
  const items: DotItem[] = result.per_fold.filter((f) => typeof f.auc === 'number').map((f) => ({ name: `fold ${f.fold}`, value: f.auc as number, marked: false }));
  if (items.length > 0 && typeof a.mean === 'number') {
    items.push({ name: 'mean ± sd', value: a.mean, ...(typeof a.sd === 'number' && Number.isFinite(a.sd) ? { lo: a.mean - a.sd, hi: a.mean + a.sd } : {}), marked: true });
    const { dotPlot } = await import('@discern/report');
    plots.push({
      kind: 'spec',
      file: fileSafe(`folds-${p.name}`),
      caption: `AUC of each fold's model on its held-out events (${p.name}, ${String(result.model)}), and their mean ± one standard deviation over the folds.`,
      spec: () => dotPlot({ items, legend: ['fold', 'over the folds'], xTitle: 'AUC on the held-out fold', title: `Cross-validation: ${p.name} (${String(result.model)}), AUC per fold` }),
    });
  }
  return { title: 'Cross-validation', tables, plots };
}
