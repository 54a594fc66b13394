import { type PlotInput, fileSafe } from '../../report/inputs.js';
import { cell, flatten } from '../../report/tables.js';
import { type RunView } from '../../report/view.js';
import { type StepReport } from '../../step.js';
import { type DecideParams } from './index.js';
import { type DecideResult, type Judged } from './result.js';

const COLUMNS: [keyof Judged, string][] = [
  ['n', 'n'],
  ['signal_efficiency', 'εS'],
  ['background_efficiency', 'εB (FPR)'],
  ['background_rejection', '1 − εB'],
  ['accuracy', 'accuracy'],
  ['expected_risk', 'expected risk'],
  ['alpha_inside_interval', 'α inside εB interval'],
];

/** The cut on P(signal) (or the feature) that the rule amounts to, when there is one. */
function scoreThreshold(d: DecideResult, p: DecideParams): number | undefined {
  if (p.rule === 'threshold') return p.threshold;
  if (p.rule === 'neyman-pearson') return d.threshold_choice?.threshold ?? undefined;
  if (p.rule === 'bayes-risk') return d.minimum_risk_threshold?.threshold ?? undefined;
  if (p.rule === 'map' && d.classes.length === 2) return 0.5;
  return undefined;
}

/** One table per decision (its rates on each dataset, how the rule was chosen), its operating points and cut for the plots. */
export async function decideReport(d: DecideResult, view: RunView, p: DecideParams, label: string): Promise<StepReport> {
  const name = p.name ?? p.rule;
  const datasets = p.on;
  const judged = (ds: string) => d[ds] as Judged;
  const cols = COLUMNS.filter(([k]) => datasets.some((ds) => judged(ds)[k] !== undefined));
  const tables = [
    { caption: `decision ${name}: ${String(d.score)}, rule ${JSON.stringify(d.rule)}`, columns: ['dataset', ...cols.map((c) => c[1])], rows: datasets.map((ds) => [ds, ...cols.map(([k]) => cell(judged(ds)[k]))]) },
  ];
  const extra = (['threshold_choice', 'minimum_risk_threshold', 'deployment_priors', 'training_priors'] as const).filter((k) => d[k] !== undefined);
  if (extra.length) tables.push({ caption: `decision ${name}: how the rule was chosen`, columns: ['quantity', 'value'], rows: extra.flatMap((k) => flatten(d[k], k)) });
  const plots: PlotInput[] = [];
  const model = typeof d.model === 'string' ? d.model : undefined;
  const t = scoreThreshold(d, p);
  const plotLabel = p.rule === 'threshold' ? `cut ${String(d.score)} ≥ ${p.threshold}` : label;
  if (model !== undefined) {
    for (const ds of datasets) {
      const e = judged(ds);
      const fpr = e.background_efficiency?.value, tpr = e.signal_efficiency?.value;
      if (typeof fpr === 'number' && typeof tpr === 'number' && Number.isFinite(fpr) && Number.isFinite(tpr)) plots.push({ kind: 'operating-point', model, dataset: ds, label: plotLabel, fpr, tpr });
    }
    if (t !== undefined && Number.isFinite(t) && t >= 0 && t <= 1) plots.push({ kind: 'cut', model, threshold: t, label: plotLabel });
  }
  const ds = datasets.includes('test') ? 'test' : datasets[datasets.length - 1]!;
  const e = judged(ds);
  const rejected = Object.values(e.rejected ?? {}).reduce<number>((a, b) => a + (b ?? 0), 0);
  const r = await import('@discern/report');
  plots.push({
    kind: 'spec',
    file: fileSafe(`decision-${name}-${ds}`),
    caption: `Confusion matrix of the decisions of ${name} (${plotLabel}) on ${ds}${rejected > 0 ? `; ${rejected} rejected events (reject option) are not in the matrix` : ''}.`,
    spec: () => r.confusionMatrixPlot({
      labels: e.confusion_matrix.labels.map(String),
      counts: e.confusion_matrix.counts.map((row) => row.map(Number)),
      title: `Decisions: ${name} (${ds}${rejected > 0 ? `, ${rejected} rejected` : ''})`,
    }),
  });
  void view;
  return { title: 'Decisions', tables, plots };
}
