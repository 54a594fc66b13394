import { formatNumber } from '../format.js';
import { type VegaLiteSpec } from '../render.js';
import { BACKGROUND_COLOR, CATEGORY_PALETTE, SIGNAL_COLOR, THEME_CONFIG } from '../theme.js';
import { finiteArray, invalid, nonEmpty, uniqueNames, type NumberArray } from '../validate.js';
import { VEGA_LITE_SCHEMA, titleOf } from './common.js';

/** One input variable: its class histograms, already binned (the numbers an analysis computed its separation from). */
export interface DistributionPanel {
  /** The variable's name: the x-axis title. */
  name: string;
  /** Bin edges, equal widths, bins + 1 of them. */
  edges: NumberArray;
  /** Σw per bin for each class, in the order of classNames; each is normalised here to unit area. */
  counts: readonly NumberArray[];
  /** The panel's title (default: the name), e.g. "1. fAlpha". */
  title?: string;
  /** A line under the panel's title, e.g. "separation ⟨S²⟩ = 0.312". */
  note?: string;
}

export interface ClassDistributionGridInput {
  classNames: readonly string[];
  /** The signal class: blue, and the other of two classes vermillion, as in TMVA's plots; more classes take the palette. */
  signal?: string;
  panels: readonly DistributionPanel[];
  /** Panels per row (default 3, or fewer when there are fewer panels). */
  columns?: number;
  title?: string;
  subtitle?: readonly string[];
  /** Size of each panel's plot area in pixels (default 210 × 120). */
  panelWidth?: number;
  panelHeight?: number;
}

export const DISTRIBUTION_Y_TITLE = '(1/N) dN/dx';

/** Vega's tableau10: for 9 and 10 classes, where the 8 colours of the palette would repeat. */
const TEN_COLORS = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#79706e'];

/** The colour of each class: signal blue and background vermillion for two classes, the palette in order otherwise. */
function classColors(classNames: readonly string[], signal: string | undefined): string[] {
  if (classNames.length === 2 && signal !== undefined) return classNames.map((c) => (c === signal ? SIGNAL_COLOR : BACKGROUND_COLOR));
  if (classNames.length > CATEGORY_PALETTE.length) return classNames.map((_, k) => TEN_COLORS[k % TEN_COLORS.length]!);
  if (signal === undefined) return classNames.map((_, k) => CATEGORY_PALETTE[k % CATEGORY_PALETTE.length]!);
  // the signal first in the palette (blue), the others after it in order
  let next = 1;
  return classNames.map((c) => (c === signal ? SIGNAL_COLOR : CATEGORY_PALETTE[next++ % CATEGORY_PALETTE.length]!));
}

/**
 * TMVA's input-variable plots as a grid of small multiples: for each variable, the distribution of every class,
 * normalised to unit area (weighted), as overlaid step histograms (filled for up to three classes, lines beyond), in
 * colours that stay distinct up to ten classes. One legend for the whole grid. A class whose
 * total in a panel is not positive (no events, or negative weights outweighing the rest) is left out of that panel,
 * and the panel says so.
 */
export function classDistributionGrid(input: ClassDistributionGridInput): VegaLiteSpec {
  const { classNames, panels } = input;
  if (classNames.length === 0) throw invalid('classDistributionGrid needs at least one class name');
  uniqueNames(classNames, 'class');
  if (input.signal !== undefined && !classNames.includes(input.signal)) throw invalid(`signal ${JSON.stringify(input.signal)} is not one of the classes ${classNames.map((c) => JSON.stringify(c)).join(', ')}`);
  nonEmpty(panels, 'panels');
  uniqueNames(
    panels.map((p) => p.name),
    'variable',
  );
  const colors = classColors(classNames, input.signal);
  // two classes with a signal: the legend says which is which
  const shownName = classNames.map((c) => (classNames.length === 2 && input.signal !== undefined ? `${c} (${c === input.signal ? 'signal' : 'background'})` : c));
  const color = {
    field: 'class',
    type: 'nominal',
    scale: { domain: shownName, range: colors },
    legend: { title: null, orient: 'top', direction: 'horizontal', symbolType: 'square', symbolOpacity: 0.6 },
  };
  // more than three filled areas on top of each other are a blur: lines only
  const fillOpacity = classNames.length <= 3 ? 0.25 : 0;
  const width = input.panelWidth ?? 210;
  const height = input.panelHeight ?? 120;
  const specs = panels.map((p) => {
    const edges = finiteArray(p.edges, `edges of "${p.name}"`);
    const bins = edges.length - 1;
    if (bins < 1) throw invalid(`edges of "${p.name}" must have at least 2 entries; got ${edges.length}`, { name: p.name });
    for (let k = 0; k < bins; k++) if (!(edges[k + 1]! > edges[k]!)) throw invalid(`edges of "${p.name}" must increase; edge ${k + 1} is ${edges[k + 1]} after ${edges[k]}`, { name: p.name, index: k + 1 });
    if (p.counts.length !== classNames.length) throw invalid(`"${p.name}" has ${p.counts.length} histograms for ${classNames.length} classes`, { name: p.name });
    const width1 = (edges[bins]! - edges[0]!) / bins;
    const rows: { class: string; x: number; density: number }[] = [];
    const missing: string[] = [];
    p.counts.forEach((c, k) => {
      const counts = finiteArray(c, `counts of "${p.name}", class "${classNames[k]}"`);
      if (counts.length !== bins) throw invalid(`"${p.name}", class "${classNames[k]}": ${counts.length} counts for ${bins} bins`, { name: p.name });
      const total = counts.reduce((a, b) => a + b, 0);
      if (!(total > 0)) {
        missing.push(classNames[k]!);
        return;
      }
      // step-after: each bin's density holds from its left edge to the next; a closing point ends the last bin
      counts.forEach((v, b) => rows.push({ class: shownName[k]!, x: edges[b]!, density: v / (total * width1) }));
      rows.push({ class: shownName[k]!, x: edges[bins]!, density: counts[bins - 1]! / (total * width1) });
    });
    const sub = [...(p.note ? [p.note] : []), ...(missing.length ? [`no positive total: ${missing.join(', ')}`] : [])];
    const x = { field: 'x', type: 'quantitative', title: p.name, scale: { domain: [edges[0], edges[bins]], nice: false, zero: false }, axis: { tickCount: 5 } };
    const y = { field: 'density', type: 'quantitative', title: DISTRIBUTION_Y_TITLE, stack: null, axis: { tickCount: 4 } };
    return {
      title: { text: p.title ?? p.name, fontSize: 13, ...(sub.length ? { subtitle: sub, subtitleFontSize: 11 } : {}) },
      width,
      height,
      data: { values: rows },
      layer: [
        { mark: { type: 'area', interpolate: 'step-after', fillOpacity }, encoding: { x, y, color, detail: { field: 'class' } } },
        { mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 }, encoding: { x, y, color } },
      ],
    };
  });
  const columns = Math.max(1, Math.min(input.columns ?? 3, panels.length));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(input.title ?? 'Input variables', input.subtitle ?? [`Each class normalised to unit area; ${panels.length} variable${panels.length === 1 ? '' : 's'}`]),
    config: THEME_CONFIG,
    columns,
    concat: specs,
    spacing: { row: 18, column: 24 },
    resolve: { scale: { color: 'shared', x: 'independent', y: 'independent' } },
  } as unknown as VegaLiteSpec;
}

/** "⟨S²⟩ = 0.312": a separation as the panels and tables print it. */
export function separationNote(separation: number): string {
  return `separation ⟨S²⟩ = ${Number.isFinite(separation) ? formatNumber(separation, { digits: 3 }) : 'undefined'}`;
}
