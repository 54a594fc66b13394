import type { ReportTable, TableCell } from '@discern/report';
import { type RunContext } from '../context.js';

/**
 * The report's tables, built from metrics.json as written: curated tables for classifier metrics, physics figures,
 * decisions and the Gaussian worked example, and a generic flattened table for anything else (other steps' metrics),
 * so that nothing in metrics.json is missing from the report. Every { value, interval } prints as `v [lo, hi]`.
 */

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function isInterval(v: unknown): v is { value: number; interval: [number, number] } {
  return isObj(v) && typeof v.value === 'number' && Array.isArray(v.interval) && v.interval.length === 2;
}

/** A metrics value as a table cell. */
export function cell(v: unknown): TableCell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (isInterval(v)) {
    const [lo, hi] = v.interval;
    return Number.isFinite(v.value) && Number.isFinite(lo) && Number.isFinite(hi) ? { value: v.value, interval: [lo, hi] } : v.value;
  }
  if (Array.isArray(v) && v.length <= 12 && v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => (typeof x === 'number' ? +x.toPrecision(4) : String(x))).join(', ');
  return JSON.stringify(v).slice(0, 200);
}

/** path → value rows of a nested object; intervals and short arrays stay whole. */
export function flatten(v: unknown, prefix = '', out: [string, TableCell][] = [], limit = 200): [string, TableCell][] {
  if (out.length >= limit) return out;
  if (isObj(v) && !isInterval(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out, limit);
  } else if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) {
    v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out, limit));
  } else out.push([prefix, cell(v)]);
  return out;
}

const CLASSIFIER_COLUMNS: [string, string][] = [
  ['n', 'n'],
  ['auc', 'AUC'],
  ['accuracy', 'accuracy'],
  ['precision', 'precision'],
  ['recall', 'recall'],
  ['f1', 'F1'],
  ['log_loss', 'log loss'],
  ['average_precision', 'average precision'],
];

/** Tables of one `evaluate` key of a classifier: headline metrics per dataset, then the physics figures. */
export function classifierTables(key: string, m: Json): ReportTable[] {
  const datasets = Object.keys(m).filter((k) => isObj(m[k]));
  const tables: ReportTable[] = [
    {
      caption: `${key}: metrics per dataset`,
      columns: ['dataset', ...CLASSIFIER_COLUMNS.map((c) => c[1])],
      rows: datasets.map((ds) => {
        const d = m[ds] as Json;
        return [ds, ...CLASSIFIER_COLUMNS.map(([k]) => (k === 'auc' && isObj(d.auc_interval) ? cell({ value: d.auc, interval: (d.auc_interval as Json).interval }) : cell(d[k])))];
      }),
    },
  ];
  for (const ds of datasets) {
    const d = m[ds] as Json;
    const ph = d.physics as Json | undefined;
    const eb = ph?.background_at_signal_efficiency as Record<string, Json> | undefined;
    if (eb && Object.keys(eb).length) {
      tables.push({
        caption: `${key} on ${ds}: background at fixed signal efficiency (${String(ph!.interval)} ${Number(ph!.confidence) * 100} % intervals)`,
        columns: ['εS', 'εB', '1 − εB', '1/εB'],
        rows: Object.entries(eb).map(([es, r]) => [Number(es), cell(r.background_efficiency), cell(r.background_rejection), cell(r.rejection_factor)]),
      });
    }
    const es = ph?.signal_at_background_efficiency as Record<string, Json> | undefined;
    if (es && Object.keys(es).length) {
      tables.push({ caption: `${key} on ${ds}: signal efficiency at fixed background efficiency`, columns: ['εB', 'εS'], rows: Object.entries(es).map(([eb2, r]) => [Number(eb2), cell(r.signal_efficiency)]) });
    }
    const sig = ph?.significance as Json | undefined;
    if (sig) {
      tables.push({
        caption: `${key} on ${ds}: best cuts of the significance scan (signal × ${String(sig.signal_scale)}, background × ${String(sig.background_scale)})`,
        columns: ['figure', 'value', 'cut on output', 's', 'b', 'εS', 'εB'],
        rows: (
          [
            ['s/√b', 's_over_sqrt_b'],
            ['s/√(s+b)', 's_over_sqrt_s_plus_b'],
            ['Asimov Z_A', 'asimov'],
          ] as const
        ).map(([label, k]) => {
          const b = sig[k] as Json | null;
          return [label, cell(b?.value), cell(b?.threshold), cell(b?.s), cell(b?.b), cell(b?.signal_efficiency), cell(b?.background_efficiency)];
        }),
      });
    }
    const ot = d.overtraining as Json | undefined;
    if (ot) {
      const s = ot.signal as Json, b = ot.background as Json;
      tables.push({
        caption: `${key}: overtraining check, Kolmogorov–Smirnov test of the output on ${String(ot.train)} against ${ds}`,
        columns: ['class', 'KS statistic D', 'p-value'],
        rows: [
          ['signal', cell(s.ks_statistic), cell(s.p_value)],
          ['background', cell(b.ks_statistic), cell(b.p_value)],
        ],
      });
    }
  }
  return tables;
}

const DECISION_COLUMNS: [string, string][] = [
  ['n', 'n'],
  ['signal_efficiency', 'εS'],
  ['background_efficiency', 'εB (FPR)'],
  ['background_rejection', '1 − εB'],
  ['accuracy', 'accuracy'],
  ['expected_risk', 'expected risk'],
  ['alpha_inside_interval', 'α inside εB interval'],
];

/** One table per decision: the rates at its operating point on each dataset, and how the rule was chosen. */
export function decisionTables(name: string, d: Json): ReportTable[] {
  const datasets = Object.keys(d).filter((k) => isObj(d[k]) && (d[k] as Json).confusion_matrix !== undefined);
  const cols = DECISION_COLUMNS.filter(([k]) => datasets.some((ds) => (d[ds] as Json)[k] !== undefined));
  const tables: ReportTable[] = [
    { caption: `decision ${name}: ${String(d.score)}, rule ${JSON.stringify(d.rule)}`, columns: ['dataset', ...cols.map((c) => c[1])], rows: datasets.map((ds) => [ds, ...cols.map(([k]) => cell((d[ds] as Json)[k]))]) },
  ];
  const extra = Object.entries(d).filter(([k, v]) => !datasets.includes(k) && !['rule', 'model', 'score', 'classes'].includes(k) && v !== undefined);
  if (extra.length) tables.push({ caption: `decision ${name}: how the rule was chosen`, columns: ['quantity', 'value'], rows: extra.flatMap(([k, v]) => flatten(v, k)) });
  return tables;
}

/** The Gaussian worked example: one row per test with the analytic figures and the simulated ones. */
export function gaussianTables(key: string, g: Json): ReportTable[] {
  const rows: TableCell[][] = [];
  for (const [kind, list] of [
    ['Neyman–Pearson', g.neyman_pearson],
    ['cut', g.thresholds],
    ['ln γ', g.log_gamma],
  ] as const) {
    for (const e of (list as Json[] | undefined) ?? []) {
      const s = e.simulated as Json | undefined;
      rows.push([
        kind === 'Neyman–Pearson' ? `${kind} α = ${String(e.level)}` : kind,
        cell(e.threshold),
        cell(e.log_gamma),
        cell(e.alpha),
        cell(e.beta),
        cell(e.power),
        cell(s?.alpha),
        cell(s?.power),
        s ? cell(s.inside_interval) : null,
      ]);
    }
  }
  return [{ caption: `${key}: analytic tests (threshold on the statistic, ln γ, α, β, power) and the simulated sample with ${String(g.confidence ?? 0.95)} intervals`, columns: ['test', 'threshold', 'ln γ', 'α', 'β', 'power', 'α simulated', 'power simulated', 'analytic inside'], rows }];
}

/** Classifies each top-level metrics key for the report: what kind of result it holds. */
export function metricsKind(ctx: RunContext, key: string): 'classifier' | 'clusters' | 'decisions' | 'gaussian' | 'other' {
  if (key === 'decisions') return 'decisions';
  const ev = ctx.records.evaluations.find((e) => e.key === key);
  if (ev) return ctx.models.get(ev.model)?.supervised ? 'classifier' : 'clusters';
  const v = ctx.metrics[key];
  if (isObj(v) && (v.model === 'gaussian-1d' || v.model === 'gaussian-shared-covariance')) return 'gaussian';
  return 'other';
}
