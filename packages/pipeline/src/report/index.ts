import { isAbsolute, join, relative } from 'node:path';
import type { ReportPlot, ReportSection, ReportTable } from '@discern/report';
import { isDiscernError } from '@discern/core';
import { type RunContext } from '../context.js';
import { type LoadedData } from '../data-loader.js';
import { type AnyStep, type StepReport } from '../step.js';
import { type RunView } from './view.js';
import { environmentVersions } from '../versions.js';
import { drawPlots } from './plots.js';
import { flatten } from './tables.js';

/** One step as it ran: what the report asks for its section. */
export interface StepOutcome {
  readonly step: AnyStep;
  readonly params: unknown;
  readonly result: unknown;
  readonly index: number;
  /** The run as the step left it (RunContext.view()); the report reads that, not the end of the run. */
  readonly view?: RunView;
}

export interface ReportContext {
  /** The final run folder (the report is written into the temporary one that replaces it). */
  readonly out: string;
  readonly data: LoadedData;
  readonly timings: readonly { index: number; step: string; ms: number }[];
  readonly outcomes: readonly StepOutcome[];
}

type Json = Record<string, unknown>;

/** A path as the user should read it: relative to the working directory when below it. */
function shown(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

function dataSummary(ctx: RunContext, data: LoadedData): Json {
  const train = data.train;
  const summary: Json = {
    data: data.description,
    features: train.featureNames.join(', '),
    ...(train.classNames.length ? { classes: train.classNames.join(', ') } : {}),
    ...(train.positive !== undefined && train.classNames.length === 2 ? { 'signal (positive) class': train.classNames[train.positive] } : {}),
    ...(ctx.config.data.weight ? { 'event weights': `column ${ctx.config.data.weight}${ctx.config.data.samples ? " × each sample's weight" : ''}` } : ctx.config.data.samples?.some((s) => s.weight !== undefined) ? { 'event weights': "each sample's weight" } : {}),
    ...(ctx.config.data.define ? { 'derived columns': Object.entries(ctx.config.data.define).map(([k, v]) => `${k} = ${v}`).join('; ') } : {}),
    ...(ctx.config.data.cut !== undefined ? { preselection: ctx.config.data.cut } : {}),
    seed: ctx.config.seed,
  };
  for (const name of ctx.datasetNames()) {
    const ds = ctx.dataset(name);
    const counts = ds.classNames.map((c, k) => `${c} ${ds.y.reduce((n, y) => n + (y === k ? 1 : 0), 0)}`);
    summary[`dataset ${name}`] = `${ds.rows} rows${counts.length ? ` (${counts.join(', ')})` : ''}`;
  }
  return summary;
}

/** A count of events, or a sum of weights (six significant digits where it is not a whole number). */
function events(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(6);
}

/**
 * The cut flow: per sample (or, without samples, per file role), events and weighted events as read, after the
 * cuts (data.cut and the sample's), in the training and in the test set; with the rows a cut could not decide and
 * the derived values that were not finite, when there are any.
 */
function cutFlowTable(data: LoadedData): ReportTable | undefined {
  const flows = data.cutflow;
  if (flows.length === 0) return undefined;
  const weighted = flows.some((f) => f.weightedRead !== f.read || f.weightedPassed !== f.passed || f.weightedTrain !== f.train || f.weightedTest !== f.test);
  const undecided = flows.some((f) => f.undecided > 0);
  const nonFinite = flows.some((f) => Object.values(f.nonFinite).some((v) => v > 0));
  const columns = [
    'sample',
    'class',
    'read',
    'after cuts',
    'train',
    'test',
    ...(weighted ? ['Σw read', 'Σw after cuts', 'Σw train', 'Σw test'] : []),
    ...(undecided ? ['undecided (dropped)'] : []),
    ...(nonFinite ? ['non-finite derived values'] : []),
  ];
  const rows = flows.map((f) => [
    f.name,
    f.class ?? '',
    events(f.read),
    events(f.passed),
    events(f.train),
    events(f.test),
    ...(weighted ? [events(f.weightedRead), events(f.weightedPassed), events(f.weightedTrain), events(f.weightedTest)] : []),
    ...(undecided ? [events(f.undecided)] : []),
    ...(nonFinite
      ? [
          Object.entries(f.nonFinite)
            .filter(([, v]) => v > 0)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', '),
        ]
      : []),
  ]);
  return { caption: 'cut flow: events (and sums of event weights) read, after the cuts, in training and in test', columns, rows };
}

// The order an analyst reads a run in: the inputs, the training (fit histories, folds, the search), the classifiers'
// performance and their comparison, the decisions, the calibration; then clusters and anything else.
const SECTION_ORDER = [
  'Inputs',
  'Gaussian classes (analytic)',
  'Fit history',
  'Cross-validation',
  'Hyperparameter search',
  'Classifier performance',
  'Comparison',
  'Variable importance',
  'Decisions',
  'Calibration',
  'Clusters',
  'Other results',
];

/**
 * Each step's section: the step's own `report`, or, for a step that has a result but no report (a plugin of the
 * first contract), its result as a flat table of free values.
 */
async function stepSections(ctx: RunContext, outcomes: readonly StepOutcome[]): Promise<StepReport[]> {
  const out: StepReport[] = [];
  for (const o of outcomes) {
    if (o.step.report) {
      ctx.step = { index: o.index, name: o.step.name };
      let s: StepReport | undefined;
      try {
        s = await o.step.report(o.result, o.view ?? ctx, o.params);
      } catch (e) {
        // as a step's own failure: say whose section failed
        if (isDiscernError(e) && e.code !== 'INTERRUPTED') throw e.prefixed(`the report of step ${o.index + 1} (${o.step.name}): `, { step: o.step.name, index: o.index });
        throw e;
      }
      if (s) out.push(s);
    } else if (o.result !== undefined) {
      out.push({ title: 'Other results', tables: [{ caption: `step ${o.index + 1} (${o.step.name})`, columns: ['quantity', 'value'], rows: flatten(o.result) }] });
    }
  }
  return out;
}

/**
 * Writes plots/<name>.svg and .png from every step's section and one self-contained report.html (inline SVG, no
 * script, nothing fetched), all through the run's artifact writer so they are atomic and hashed in the manifest.
 * `report: { plots: false }` in the config writes the tables only; `png: false` skips the PNG files.
 */
export async function writeReport(ctx: RunContext, rc: ReportContext): Promise<void> {
  const settings = ctx.config.report;
  const r = await import('@discern/report');
  const sections = await stepSections(ctx, rc.outcomes);
  const tables = new Map<string, ReportTable[]>();
  for (const s of sections) tables.set(s.title, [...(tables.get(s.title) ?? []), ...(s.tables ?? [])]);
  const plots = new Map<string, ReportPlot[]>();
  const notes: string[] = [];
  if (settings.plots) {
    for (const job of drawPlots(r, sections)) {
      try {
        const svg = await r.renderSvg(job.spec() as Parameters<typeof r.renderSvg>[0]);
        ctx.artifacts.write(`plots/${job.file}.svg`, svg);
        if (settings.png) ctx.artifacts.write(`plots/${job.file}.png`, r.svgToPng(svg).png);
        plots.set(job.section, [...(plots.get(job.section) ?? []), { caption: `${job.caption} (plots/${job.file}.svg)`, svg }]);
      } catch (e) {
        // A plot that cannot be drawn (e.g. negative weighted counts in a heat map) is noted, not fatal.
        const line = `report: plot ${job.file} not drawn: ${(e as Error).message}`;
        notes.push(line);
        ctx.log(line);
      }
    }
  }
  const titles = [...new Set([...SECTION_ORDER, ...tables.keys(), ...plots.keys()])].filter((t) => (tables.get(t)?.length ?? 0) > 0 || plots.has(t));
  const body: ReportSection[] = titles.map((title) => ({ title, tables: tables.get(title) ?? [], plots: plots.get(title) ?? [] }));
  const flow = cutFlowTable(rc.data);
  if (flow) body.unshift({ title: 'Data', tables: [flow] });
  body.push({ title: 'Summary', text: [...ctx.summary, ...notes].join('\n\n') });
  const config = ctx.config;
  const manifest = {
    note: 'the artifacts written before this report; manifest.json beside it lists every file with its hash',
    name: config.name,
    seed: config.seed,
    config: { file: config.file, sha256: config.hash, overrides: config.overrides },
    data: rc.data.files,
    versions: environmentVersions(),
    timings: rc.timings.map((t) => ({ ...t, ms: Math.round(t.ms) })),
    artifacts: ctx.artifacts.list(),
  };
  const html = r.buildReportHtml({
    title: `discern run: ${config.name}`,
    runName: config.name,
    config: config.overrides.length ? `${config.text}\n# overrides: ${config.overrides.join(' ')}\n` : config.text,
    dataSummary: dataSummary(ctx, rc.data),
    sections: body,
    manifest,
  });
  ctx.artifacts.write('report.html', html);
  ctx.summary.push(`report: ${shown(join(rc.out, 'report.html'))}`);
}
