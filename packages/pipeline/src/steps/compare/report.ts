import { rocCurvePoints } from '@discern/metrics';
import type { ReportTable, TableCell } from '@discern/report';
import { type PlotInput, fileSafe } from '../../report/inputs.js';
import { cell } from '../../report/tables.js';
import { type RunView } from '../../report/view.js';
import { type StepReport } from '../../step.js';
import { positiveScore, scoreOrder } from '../scores.js';
import { type CompareParams } from './index.js';
import { type ComparePair, type CompareResult } from './result.js';

/*
 * The sentences are made in `run` too (the terminal summary), which does not load the plotting package: these two
 * formatters follow @discern/report's formatNumber and formatInterval.
 */

/** A p-value as a sentence says it: two significant digits, and below 1e-16 (where double precision ends) only that. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'p undefined';
  if (p < 1e-16) return 'p < 1e-16';
  return `p = ${p < 1e-3 ? p.toExponential(1).replace(/\.0e/, 'e') : String(+p.toPrecision(2))}`;
}

/** `v [lo, hi]` with enough decimals to resolve the interval's width to two significant digits. */
export function formatDifference(v: number, lo: number, hi: number): string {
  const width = hi - lo;
  const decimals = Number.isFinite(width) && width > 0 ? Math.min(12, Math.max(0, Math.ceil(-Math.log10(width)) + 1)) : 3;
  return `${v.toFixed(decimals)} [${lo.toFixed(decimals)}, ${hi.toFixed(decimals)}]`;
}

/**
 * One pair's conclusion in words, the better AUC first: "mlp's AUC exceeds logistic's by 0.085 [0.079, 0.091],
 * p < 1e-16", or, when p ≥ alpha, that the two do not differ significantly.
 */
export function pairSentence(pair: ComparePair, alpha: number, weighted: boolean): string {
  const a = String(pair.a), b = String(pair.b);
  const d = pair.auc_difference;
  const diff = Number(d.value), lo = Number(d.interval[0]), hi = Number(d.interval[1]);
  const [top, low, v, i0, i1] = diff >= 0 ? [a, b, diff, lo, hi] : [b, a, -diff, -hi, -lo];
  const p = Number(pair.delong.p_value);
  const ci = formatDifference(v, i0, i1);
  const pText = `${formatP(p)}${weighted ? " (DeLong's test on the unweighted events; the interval from the weighted paired bootstrap)" : ''}`;
  return p < alpha ? `${top}'s AUC exceeds ${low}'s by ${ci}, ${pText}` : `${a}'s and ${b}'s AUCs do not differ significantly: ${top} − ${low} = ${ci}, ${pText}`;
}

/**
 * The `Comparison` section: the ROC curves, 1 − εB and 1/εB (log axis, as TMVA draws it) of every classifier
 * overlaid; a table of each one's AUC and background at the signal efficiencies asked for; a table of the pairwise
 * tests; and the conclusion of each pair in words.
 */
export async function compareReport(result: CompareResult, view: RunView, p: CompareParams): Promise<StepReport> {
  const key = p.name ?? 'compare';
  const ds = String(result.dataset);
  const names = Object.keys(result.models);
  const es = p.signal_efficiency.map(String);
  const pct = `${Math.round(Number(result.confidence) * 1000) / 10} %`;
  const weighted = result.weighted === true;
  const tables: ReportTable[] = [
    {
      caption: `Classifiers on ${ds}: AUC with its ${pct} ${weighted ? 'paired-bootstrap' : 'DeLong'} interval; background rejection 1 − εB and rejection factor 1/εB at fixed signal efficiency (${String(result.interval)} intervals)`,
      columns: ['classifier', 'AUC', ...es.flatMap((e) => [`1 − εB at εS = ${e}`, `1/εB at εS = ${e}`])],
      rows: names.map((m) => {
        const r = result.models[m]!;
        const row: TableCell[] = [m, cell({ value: r.auc, interval: r.auc_interval.interval })];
        for (const e of es) {
          const x = r.background_at_signal_efficiency[e];
          row.push(cell(x?.background_rejection), cell(x?.rejection_factor));
        }
        return row;
      }),
    },
    {
      caption: `Pairwise tests on the same ${result.n} events: AUC difference a − b with its ${pct} interval (${weighted ? 'paired bootstrap of the weighted events' : 'DeLong'}), the paired DeLong test of equal AUC${weighted ? ' (on the unweighted events)' : ''} and the correlation of the two AUCs; Δ(1 − εB) a − b with its paired-bootstrap interval (${Number(result.bootstrap.replicates)} replicates${result.bootstrap.dropped_replicates !== undefined ? `, ${Number(result.bootstrap.dropped_replicates)} of them left out: a class's drawn weights summed to ≤ 0` : ''})`,
      columns: ['a − b', 'ΔAUC', 'z', 'p-value', 'correlation', ...es.map((e) => `Δ(1 − εB) at εS = ${e}`)],
      rows: Object.values(result.pairs).map((pr) => [
        `${String(pr.a)} − ${String(pr.b)}`,
        cell(pr.auc_difference),
        cell(pr.delong.z),
        typeof pr.delong.p_value === 'number' && pr.delong.p_value < 1e-16 ? '< 1e-16' : cell(pr.delong.p_value),
        cell(pr.delong.correlation),
        ...es.map((e) => cell(pr.rejection_difference[e])),
      ]),
    },
    {
      caption: `Conclusions (significance level ${+(1 - Number(result.confidence)).toPrecision(3)})`,
      columns: ['pair', 'conclusion'],
      rows: Object.entries(result.pairs).map(([k, pr]) => [k, pairSentence(pr, 1 - Number(result.confidence), weighted)]),
    },
  ];
  const r = await import('@discern/report');
  const data = view.dataset(ds);
  const curves: { name: string; fpr: number[]; tpr: number[]; auc: number; aucInterval: [number, number] }[] = [];
  for (const m of names) {
    const fitted = view.fittedModel(m);
    const pos = fitted.positive ?? 1;
    const score = positiveScore(await view.scores(m, ds), pos);
    const thin = new r.CurveThinner();
    rocCurvePoints(data.y, score, { ...(data.weights ? { weights: data.weights } : {}), order: scoreOrder(score), posLabel: pos }, (fpr, tpr) => thin.push(fpr, tpr));
    const c = thin.finish();
    const x = result.models[m]!;
    curves.push({ name: m, fpr: [...c.x], tpr: [...c.y], auc: Number(x.auc), aucInterval: [Number(x.auc_interval.interval[0]), Number(x.auc_interval.interval[1])] });
  }
  const list = names.join(', ');
  const plots: PlotInput[] = [
    {
      kind: 'spec',
      file: fileSafe(`${key}-roc-${ds}`),
      caption: `ROC curves of ${list} on the same ${ds} events; AUC with its ${pct} interval in the legend.`,
      spec: () => r.rocPlot({ curves, title: `ROC curves compared (${ds})` }),
    },
    ...(['rejection', 'inverse'] as const).map((mode) => ({
      kind: 'spec' as const,
      file: fileSafe(`${key}-${mode === 'rejection' ? 'rejection' : 'inverse-rejection'}-${ds}`),
      caption:
        mode === 'rejection'
          ? `Background rejection 1 − εB against signal efficiency εS of ${list} on ${ds} (TMVA's comparison plot).`
          : `Rejection factor 1/εB against signal efficiency εS of ${list} on ${ds}, log axis (as TMVA draws it).`,
      spec: () =>
        r.rejectionPlot({
          mode,
          curves: curves.map((c) => ({ name: c.name, signalEff: c.tpr, backgroundEff: c.fpr })),
          title: mode === 'rejection' ? `Background rejection compared (${ds})` : `Rejection factor 1/εB compared (${ds})`,
        }),
    })),
  ];
  return { title: 'Comparison', tables, plots };
}
