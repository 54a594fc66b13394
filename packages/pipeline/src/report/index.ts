import { isAbsolute, join, relative } from 'node:path';
import type { ReportPlot, ReportSection, ReportTable } from '@discern/report';
import { type RunContext } from '../context.js';
import { type LoadedData } from '../data-loader.js';
import { environmentVersions } from '../versions.js';
import { plotJobs } from './plots.js';
import { type ReportModule } from './records.js';
import { classifierTables, decisionTables, flatten, gaussianTables, metricsKind } from './tables.js';

export interface ReportContext {
  /** The final run folder (the report is written into the temporary one that replaces it). */
  readonly out: string;
  readonly data: LoadedData;
  readonly timings: readonly { index: number; step: string; ms: number }[];
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
    ...(ctx.config.data.weight ? { 'event weights': `column ${ctx.config.data.weight}` } : {}),
    seed: ctx.config.seed,
  };
  for (const name of ctx.datasetNames()) {
    const ds = ctx.labels(name);
    const counts = ds.classNames.map((c, k) => `${c} ${ds.y.reduce((n, y) => n + (y === k ? 1 : 0), 0)}`);
    summary[`dataset ${name}`] = `${ds.rows} rows${counts.length ? ` (${counts.join(', ')})` : ''}`;
  }
  return summary;
}

/** Sections of tables, in the order of metrics.json. */
function tableSections(ctx: RunContext): Map<string, ReportTable[]> {
  const sections = new Map<string, ReportTable[]>();
  const add = (title: string, tables: ReportTable[]) => sections.set(title, [...(sections.get(title) ?? []), ...tables]);
  for (const [key, value] of Object.entries(ctx.metrics)) {
    const kind = metricsKind(ctx, key);
    if (kind === 'classifier') add('Classifier performance', classifierTables(key, value as Json));
    else if (kind === 'decisions') for (const [name, d] of Object.entries(value as Json)) add('Decisions', decisionTables(name, d as Json));
    else if (kind === 'gaussian') add('Gaussian classes (analytic)', gaussianTables(key, value as Json));
    else add(kind === 'clusters' ? 'Clusters' : 'Other results', [{ caption: key, columns: ['quantity', 'value'], rows: flatten(value) }]);
  }
  for (const s of ctx.reportSections) add(s.title, [{ caption: s.title, columns: ['quantity', 'value'], rows: flatten(s.data) }]);
  return sections;
}

const SECTION_ORDER = ['Gaussian classes (analytic)', 'Classifier performance', 'Decisions', 'Clusters', 'Fit history', 'Other results'];

/**
 * Writes plots/<name>.svg and .png for every result of the run and one self-contained report.html (inline SVG,
 * no script, nothing fetched), all through the run's artifact writer so they are atomic and hashed in the manifest.
 * `report: { plots: false }` in the config writes the tables only; `png: false` skips the PNG files.
 */
export async function writeReport(ctx: RunContext, rc: ReportContext): Promise<void> {
  const settings = ctx.config.report;
  const r: ReportModule = await import('@discern/report');
  const plots = new Map<string, ReportPlot[]>();
  const notes: string[] = [];
  if (settings.plots) {
    for (const job of plotJobs(ctx)) {
      try {
        const svg = await r.renderSvg(job.build(r) as Parameters<ReportModule['renderSvg']>[0]);
        ctx.artifacts.write(`plots/${job.name}.svg`, svg);
        if (settings.png) ctx.artifacts.write(`plots/${job.name}.png`, r.svgToPng(svg).png);
        plots.set(job.section, [...(plots.get(job.section) ?? []), { caption: `${job.caption} (plots/${job.name}.svg)`, svg }]);
      } catch (e) {
        // A plot that cannot be drawn (e.g. negative weighted counts in a heat map) is noted, not fatal.
        const line = `report: plot ${job.name} not drawn: ${(e as Error).message}`;
        notes.push(line);
        ctx.log(line);
      }
    }
  }
  const tables = tableSections(ctx);
  const titles = [...new Set([...SECTION_ORDER, ...tables.keys(), ...plots.keys()])].filter((t) => tables.has(t) || plots.has(t));
  const sections: ReportSection[] = titles.map((title) => ({ title, tables: tables.get(title) ?? [], plots: plots.get(title) ?? [] }));
  sections.push({ title: 'Summary', text: [...ctx.summary, ...notes].join('\n\n') });
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
    sections,
    manifest,
  });
  ctx.artifacts.write('report.html', html);
  ctx.summary.push(`report: ${shown(join(rc.out, 'report.html'))}`);
}
