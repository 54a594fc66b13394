import type { ReportTable, TableCell } from '@discern/report';
import { fileSafe, type PlotInput } from '../../report/inputs.js';
import { type RunView } from '../../report/view.js';
import { type StepReport } from '../../step.js';
import { extrasFor, num } from '../crossvalidate/report.js';
import { type TuneParams } from './index.js';
import { type TuneResult } from './result.js';
import { describePoint } from './search.js';

const pm = (s: { mean: number | null; sd: number | null } | undefined): TableCell =>
  s && typeof s.mean === 'number' ? `${s.mean.toFixed(4)} ± ${typeof s.sd === 'number' ? s.sd.toFixed(4) : 'n/a'}` : null;

const METRIC_TITLE: Readonly<Record<string, string>> = { auc: 'AUC', log_loss: 'log loss', background_rejection: '1 − εB' };

/** The section: every candidate (best first) with each figure's mean ± standard deviation over the folds and its fit time, and a plot of the chosen metric. */
export async function tuneReport(result: TuneResult, view: RunView, p: TuneParams): Promise<StepReport> {
  const seconds = extrasFor(view, `tune:${p.name}`)?.seconds;
  const metric = String(result.metric);
  const sign = metric === 'log_loss' ? -1 : 1;
  const value = (c: TuneResult['candidates'][number]) => (c[metric as 'auc']?.mean ?? null) as number | null;
  // best first; candidates without a value last, in search order
  const ranked = [...result.candidates].sort((a, b) => {
    const va = value(a), vb = value(b);
    if (va === null || vb === null) return va === null ? (vb === null ? Number(a.index) - Number(b.index) : 1) : -1;
    return sign * (vb - va) || Number(a.index) - Number(b.index);
  });
  const keys = Object.keys(result.candidates[0]?.params ?? {});
  const eff = result.signal_efficiency;
  const hasRej = result.candidates.some((c) => c.background_rejection);
  const tables: ReportTable[] = [
    {
      caption: `${p.name}: ${result.candidates.length} candidates of ${String(result.model)} (${result.search === 'grid' ? 'grid' : 'random search'}), each scored on the same ${result.folds} folds: mean ± standard deviation over the folds, best by ${METRIC_TITLE[metric] ?? metric} first; the best (candidate ${result.best.index}) is refitted on all of ${p.train} as ${p.name}`,
      columns: ['rank', 'candidate', ...keys, 'AUC', 'log loss', 'accuracy', ...(hasRej ? [`1 − εB at εS = ${String(eff)}`] : []), 'fit time (s, all folds)'],
      rows: ranked.map((c, r) => [
        r + 1,
        c.index,
        ...keys.map((k) => {
          const v = c.params[k];
          return typeof v === 'number' ? Number(v.toPrecision(6)) : typeof v === 'string' || typeof v === 'boolean' ? v : JSON.stringify(v);
        }),
        pm(c.auc),
        pm(c.log_loss),
        pm(c.accuracy),
        ...(hasRej ? [pm(c.background_rejection)] : []),
        seconds ? num(seconds[Number(c.index)], 2) : null,
      ]),
    },
  ];
  const items = ranked
    .filter((c) => value(c) !== null)
    .slice(0, 30)
    .map((c) => {
      const s = c[metric as 'auc']!;
      const mean = s.mean as number;
      const sd = typeof s.sd === 'number' && Number.isFinite(s.sd) ? s.sd : 0;
      return { name: `${c.index}: ${describePoint(c.params)}`, value: mean, lo: mean - sd, hi: mean + sd, marked: Number(c.index) === Number(result.best.index) };
    });
  const plots: PlotInput[] = [];
  if (items.length > 0) {
    const { dotPlot } = await import('@discern/report');
    plots.push({
      kind: 'spec',
      file: fileSafe(`tune-${p.name}`),
      caption: `${METRIC_TITLE[metric] ?? metric} of each candidate of ${p.name} (candidate number: searched values): the mean over the ${result.folds} folds, whiskers ± one standard deviation; best first, the best refitted as ${p.name}${result.candidates.length > 30 ? '; the first 30 of the table' : ''}.`,
      spec: () =>
        dotPlot({
          items,
          legend: ['candidate', `best (refitted as ${p.name})`],
          xTitle: `${METRIC_TITLE[metric] ?? metric}${metric === 'background_rejection' ? ` at εS = ${String(eff)}` : ''}, mean over ${result.folds} folds (whiskers ± 1 sd)`,
          title: `Hyperparameter search: ${p.name} (${String(result.model)})`,
        }),
    });
  }
  return { title: 'Hyperparameter search', tables, plots };
}
