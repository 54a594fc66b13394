import type { ReportTable, TableCell } from '@discern/report';
import { type PlotInput, fileSafe } from '../../report/inputs.js';
import { type StepReport } from '../../step.js';
import { inspectHistograms } from './histograms.js';
import { type InspectParams } from './index.js';
import { type InspectResult } from './result.js';

/** Classes whose mean and standard deviation get columns of their own in the table (more would make it unreadable). */
const MAX_CLASS_COLUMNS = 4;
/** Bars of the separation ranking drawn; the others are in the table. */
const RANKING_BARS = 20;

/**
 * The `Inputs` section: the table of every variable (rank, separation, per-class mean and standard deviation); the
 * class distributions of the first `plot` variables by separation as one grid of small multiples (64 features of
 * the digits data would be 64 plots: the grid shows the most separating ones, the table all of them); the
 * separation ranking as bars; one correlation heat map per class over the same variables, in the data's order.
 */
export async function inspectReport(result: InspectResult, _view: unknown, p: InspectParams): Promise<StepReport> {
  const key = p.name ?? p.on;
  const ds = result.dataset;
  const classes = result.classes.map(String);
  const signal = typeof result.signal === 'string' ? result.signal : undefined;
  const background = signal !== undefined ? classes.find((c) => c !== signal) : undefined;
  const ranked = signal !== undefined;
  const names = result.ranking.map(String);
  const perClass = classes.length <= MAX_CLASS_COLUMNS;
  const num = (v: unknown): TableCell => (typeof v === 'number' ? v : null);
  // missing cells (data.missing: keep): a column of their count per variable, when there are any
  const missing = names.some((f) => typeof result.features[f]!.missing === 'number');
  const tables: ReportTable[] = [
    {
      caption: ranked
        ? `Input variables on ${ds}, ranked by their separation ⟨S²⟩ of ${signal} (signal) and ${background} (background), from ${Number(result.bins)} equal-width bins over each variable's range (one bin per value for a variable of fewer whole-number values)${result.weighted ? '; weighted events' : ''}${missing ? '; missing cells left out of each variable’s figures (correlations: pairwise)' : ''}`
        : `Input variables on ${ds} (${classes.length} classes: the separation ⟨S²⟩ needs two)${missing ? '; missing cells left out of each variable’s figures (correlations: pairwise)' : ''}`,
      columns: [...(ranked ? ['rank'] : []), 'variable', ...(ranked ? ['separation ⟨S²⟩'] : []), ...(perClass ? classes.flatMap((c) => [`mean (${c})`, `std (${c})`]) : []), ...(missing ? ['missing cells'] : [])],
      rows: names.map((f) => {
        const v = result.features[f]!;
        return [...(ranked ? [num(v.rank)] : []), f, ...(ranked ? [num(v.separation)] : []), ...(perClass ? classes.flatMap((c) => [num(v.mean[c]), num(v.std[c])]) : []), ...(missing ? [v.missing ?? 0] : [])];
      }),
    },
  ];
  const r = await import('@discern/report');
  const plots: PlotInput[] = [];
  // a variable that is constant in every class has nothing to show: listed in the table, not drawn
  const varies = (f: string): boolean => Object.values(result.features[f]!.std).some((s) => typeof s === 'number' && s > 0);
  const drawn = names.filter(varies).slice(0, p.plot);
  const hist = inspectHistograms.get(p);
  const more = names.length > drawn.length ? `; the first ${drawn.length} of ${names.length}${ranked ? ' by separation' : ''}${drawn.length < Math.min(p.plot, names.length) || names.some((f) => !varies(f)) ? ' (constant ones left out)' : ''}, all in the table` : '';
  if (hist) {
    plots.push({
      kind: 'spec',
      file: fileSafe(`inputs-${key}`),
      caption: `Input variables on ${ds}: each class's distribution${result.weighted ? ' (weighted)' : ''}, normalised to unit area, in the histograms the separation is computed from${more}.`,
      spec: () =>
        r.classDistributionGrid({
          classNames: classes,
          ...(signal !== undefined ? { signal } : {}),
          panels: drawn.map((f) => {
            const i = hist.features.indexOf(f);
            const v = result.features[f]!;
            return {
              name: f,
              edges: hist.edges[i]!,
              counts: hist.counts[i]!,
              ...(ranked ? { title: `${String(v.rank)}. ${f}`, note: r.separationNote(typeof v.separation === 'number' ? v.separation : NaN) } : {}),
            };
          }),
          title: `Input variables (${ds})`,
          subtitle: [`Each class normalised to unit area${ranked ? '; ranked by separation ⟨S²⟩' : ''}${more ? `; ${drawn.length} of ${names.length} variables` : ''}`],
        }),
    });
  }
  if (ranked) {
    plots.push({
      kind: 'spec',
      file: fileSafe(`separation-${key}`),
      caption: `Variable ranking on ${ds}: separation ⟨S²⟩ = ½ ∫ (ŷS − ŷB)²/(ŷS + ŷB) dy of ${signal} and ${background} (0: the same shape, 1: no overlap).`,
      spec: () =>
        r.rankingPlot({
          items: names.filter((f) => typeof result.features[f]!.separation === 'number').map((f) => ({ name: f, value: result.features[f]!.separation as number })),
          xTitle: 'Separation ⟨S²⟩',
          title: `Variable ranking by separation (${ds})`,
          limit: RANKING_BARS,
        }),
    });
  }
  // the drawn variables in the data's order: a correlation matrix reads best in the order the columns have
  const order = Object.keys(result.features);
  const shown = order.filter((f) => drawn.includes(f));
  for (const c of classes) {
    const m = result.correlation[c];
    if (!m) continue;
    plots.push({
      kind: 'spec',
      file: fileSafe(`correlation-${key}-${c}`),
      caption: `Linear correlation coefficients of the input variables for ${c}${c === signal ? ' (signal)' : c === background ? ' (background)' : ''} on ${ds}${result.weighted ? ', weighted' : ''}${shown.length < order.length ? `; the ${shown.length} variables drawn above, all in metrics.json` : ''}.`,
      spec: () =>
        r.correlationMatrixPlot({
          labels: shown,
          matrix: shown.map((a) => shown.map((b) => m[order.indexOf(a)]![order.indexOf(b)] as number | null)),
          title: `Correlation matrix: ${c}${c === signal ? ' (signal)' : c === background ? ' (background)' : ''}, ${ds}`,
        }),
    });
  }
  return { title: 'Inputs', tables, plots };
}
