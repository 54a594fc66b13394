import type { ReportTable } from '@discern/report';
import { type PlotInput, fileSafe } from '../../report/inputs.js';
import { cell } from '../../report/tables.js';
import { type StepReport } from '../../step.js';
import { type ImportanceParams } from './index.js';
import { type ImportanceResult } from './result.js';

/** Bars drawn; the table has every feature. */
const BARS = 20;

const METRIC_TEXT: Record<string, { what: string; axis: string }> = {
  auc: { what: 'drop in AUC', axis: 'Drop in AUC when the variable is shuffled' },
  log_loss: { what: 'rise in log loss', axis: 'Rise in log loss when the variable is shuffled (nats)' },
  accuracy: { what: 'drop in accuracy', axis: 'Drop in accuracy when the variable is shuffled' },
};

/**
 * The `Variable importance` section: a table of every feature (rank, mean drop with its interval, standard
 * deviation, and a tree model's gain share beside it), and the permutation importance as ranked bars with their
 * intervals. (A tree model's gain and split shares are drawn by its fit step, @discern/report's importancePlot.)
 */
export async function importanceReport(result: ImportanceResult, _view: unknown, p: ImportanceParams): Promise<StepReport> {
  const key = p.name ?? p.model;
  const m = String(result.model), ds = String(result.dataset);
  const t = METRIC_TEXT[String(result.metric)] ?? { what: 'drop', axis: 'Drop in score' };
  const names = result.ranking.map(String);
  const gain = result.gain;
  const pct = `${Math.round(Number(result.confidence) * 1000) / 10} %`;
  const tables: ReportTable[] = [
    {
      caption: `Permutation importance of ${m}'s variables on ${ds}: the ${t.what} when a variable's column is shuffled, mean of ${Number(result.n_repeats)} permutations with its ${pct} Student interval (baseline ${String(result.metric)} ${Number(result.baseline).toPrecision(4)})${gain ? '; the model’s own gain importance (share of the split gain)' : ''}${result.left_out ? `; left out: ${result.left_out.features.join(', ')} (${String(result.left_out.reason)})` : ''}`,
      columns: ['rank', 'variable', t.what, 'sd', ...(gain ? ['gain share'] : [])],
      rows: names.map((f) => {
        const x = result.features[f]!;
        return [cell(x.rank), f, cell(x.importance), cell(x.sd), ...(gain ? [cell(gain[f])] : [])];
      }),
    },
  ];
  const r = await import('@discern/report');
  const plots: PlotInput[] = [
    {
      kind: 'spec',
      file: fileSafe(`permutation-importance-${key}-${ds}`),
      caption: `Permutation importance of ${m}'s variables on ${ds}: the ${t.what} when each is shuffled, with its ${pct} interval over ${Number(result.n_repeats)} permutations.`,
      spec: () =>
        r.rankingPlot({
          items: names.map((f) => {
            const x = result.features[f]!.importance;
            const [lo, hi] = x.interval;
            return { name: f, value: Number(x.value), ...(typeof lo === 'number' && typeof hi === 'number' ? { interval: [lo, hi] as [number, number] } : {}) };
          }),
          xTitle: t.axis,
          title: `Permutation importance: ${m} (${ds})`,
          subtitle: [`Mean of ${Number(result.n_repeats)} permutations; bars: its ${pct} Student interval`],
          limit: BARS,
        }),
    },
  ];
  return { title: 'Variable importance', tables, plots };
}
