import { formatInterval, formatNumber } from './format.js';
import { invalid } from './validate.js';

/** A value with its confidence interval, printed `0.912 [0.905, 0.919]`. */
export interface IntervalCell {
  value: number;
  interval?: readonly [number, number];
}

export type TableCell = string | number | boolean | null | undefined | IntervalCell;

export interface ReportTable {
  caption: string;
  columns: readonly string[];
  rows: readonly (readonly TableCell[])[];
}

export interface ReportPlot {
  caption: string;
  /** SVG text as `renderSpec` returns it. */
  svg: string;
}

export interface ReportSection {
  title: string;
  /** Plain text; blank lines separate paragraphs. */
  text?: string;
  tables?: readonly ReportTable[];
  plots?: readonly ReportPlot[];
}

export interface ReportInput {
  title: string;
  /** The run's name (the config's `name`). */
  runName?: string;
  /** When the run happened; left out when not given, so that a report can be reproduced byte for byte. */
  createdAt?: Date | string;
  /** The YAML text of the config, shown verbatim. */
  config: string;
  /** Shown as a two-column table; nested objects and arrays are written inline. */
  dataSummary: Readonly<Record<string, unknown>>;
  sections: readonly ReportSection[];
  /** The run manifest, shown as JSON in a collapsed block. */
  manifest: unknown;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function formatCell(cell: TableCell): string {
  if (cell === null || cell === undefined) return '–';
  if (typeof cell === 'number') return formatNumber(cell);
  if (typeof cell === 'string') return cell;
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  if (typeof cell === 'object' && typeof cell.value === 'number') {
    return cell.interval ? formatInterval(cell.value, cell.interval) : formatNumber(cell.value);
  }
  throw invalid(`table cell must be a string, number, boolean, null or { value, interval }; got ${JSON.stringify(cell)}`);
}

function isNumericCell(cell: TableCell): boolean {
  return typeof cell === 'number' || (typeof cell === 'object' && cell !== null);
}

function renderTable(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows
    .map((row, i) => {
      if (row.length !== t.columns.length) {
        throw invalid(`table "${t.caption}": row ${i} has ${row.length} cells but there are ${t.columns.length} columns`, { caption: t.caption, row: i });
      }
      const cells = row.map((c) => `<td${isNumericCell(c) ? ' class="num"' : ''}>${escapeHtml(formatCell(c))}</td>`).join('');
      return `<tr>${cells}</tr>`;
    })
    .join('\n');
  return `<table>\n<caption>${escapeHtml(t.caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function summaryValue(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.map(summaryValue).join(', ');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${summaryValue(x)}`)
      .join(', ');
  }
  return String(v);
}

/**
 * Each plot's SVG is inlined, so ids (vega's clip paths) would collide between plots; they get a per-plot
 * prefix. Only SVG from our renderer is accepted: no scripts, no foreign objects, no external references.
 */
export function inlineSvg(svg: string, prefix: string): string {
  const body = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '').trim();
  if (!body.startsWith('<svg')) throw invalid('plot svg must be an <svg> document (as renderSpec returns it)');
  if (/<script|<foreignObject|\son[a-z]+\s*=/i.test(body)) throw invalid('plot svg must not contain scripts, event handlers or foreignObject');
  if (/(?:href|src)\s*=\s*["'](?!#)/i.test(body)) throw invalid('plot svg must not reference external resources (href/src other than #id)');
  return body
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}${id}"`);
}

function renderText(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
}

const CSS = `
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
header { border-bottom: 2px solid #0072B2; margin-bottom: 1.5em; }
header h1 { margin: 0 0 .2em; }
header p { margin: .2em 0 .8em; color: #555; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 2em; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 4px; padding: .8em 1em; overflow-x: auto; font-size: 13px; }
table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
caption { text-align: left; font-weight: bold; padding-bottom: .4em; }
th, td { border: 1px solid #ddd; padding: .3em .7em; text-align: left; }
th { background: #f0f3f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1.2em 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #444; font-size: 14px; margin-top: .3em; }
details summary { cursor: pointer; font-weight: bold; }
`;

/** One self-contained HTML page for a run: inline CSS and SVG, no scripts, nothing fetched from the network. */
export function buildReportHtml(input: ReportInput): string {
  if (typeof input.title !== 'string' || input.title.length === 0) throw invalid('report title must be a non-empty string');
  let created = '';
  if (input.createdAt !== undefined) {
    const d = input.createdAt instanceof Date ? input.createdAt : new Date(input.createdAt);
    if (Number.isNaN(d.getTime())) throw invalid(`createdAt is not a valid date: ${String(input.createdAt)}`);
    created = d.toISOString();
  }
  const meta = [input.runName ? `Run <strong>${escapeHtml(input.runName)}</strong>` : '', created ? `<time datetime="${created}">${created}</time>` : '']
    .filter((s) => s)
    .join(' · ');

  let plotIndex = 0;
  const sections = input.sections.map((s) => {
    const parts = [`<section>\n<h2>${escapeHtml(s.title)}</h2>`];
    if (s.text) parts.push(renderText(s.text));
    for (const t of s.tables ?? []) parts.push(renderTable(t));
    for (const p of s.plots ?? []) {
      plotIndex++;
      parts.push(`<figure>\n${inlineSvg(p.svg, `p${plotIndex}-`)}\n<figcaption>${escapeHtml(p.caption)}</figcaption>\n</figure>`);
    }
    parts.push('</section>');
    return parts.join('\n');
  });

  const summaryRows = Object.entries(input.dataSummary).map(([k, v]) => [k, summaryValue(v)] as const);
  const summary = summaryRows.length
    ? `<table class="summary">\n<tbody>\n${summaryRows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}\n</tbody>\n</table>`
    : '<p>No data summary.</p>';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}</h1>
${meta ? `<p>${meta}</p>` : ''}
</header>
<section>
<h2>Configuration</h2>
<pre class="config">${escapeHtml(input.config)}</pre>
</section>
<section>
<h2>Data</h2>
${summary}
</section>
${sections.join('\n')}
<section>
<h2>Manifest</h2>
<details>
<summary>Run manifest (hashes, versions, timings)</summary>
<pre class="manifest">${escapeHtml(JSON.stringify(input.manifest, null, 2) ?? 'null')}</pre>
</details>
</section>
</body>
</html>
`;
}
