import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { View, parse, type LoggerInterface } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { DiscernError } from '@discern/core';
import { FontMetrics } from './font-metrics.js';
import { FONT_FAMILY, THEME_CONFIG } from './theme.js';
import { invalid } from './validate.js';

/** A Vega-Lite specification, as the plot builders return it (theme embedded: it renders the same in the Vega editor). */
export type VegaLiteSpec = TopLevelSpec;

export interface RenderOptions {
  /** PNG pixels per SVG pixel (default 2, crisp on high-density screens and in slides). */
  scale?: number;
}

export interface RenderResult {
  svg: string;
  png: Uint8Array;
  /** Size of the PNG in pixels (the SVG's size times `scale`). */
  width: number;
  height: number;
  /** Warnings of the Vega-Lite compiler and of Vega (empty for every discern plot). */
  warnings: string[];
}

let fontFiles: string[] | undefined;

/** The DejaVu Sans files shipped by `dejavu-fonts-ttf`; resvg loads only these, never the system's fonts. */
export function dejavuFontFiles(): string[] {
  if (fontFiles) return fontFiles;
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch (e) {
    throw new DiscernError('FILE_NOT_FOUND', 'the dejavu-fonts-ttf package is not installed; it provides the fonts of every plot', {}, { cause: e });
  }
  const files = readdirSync(dir)
    .filter((f) => /^DejaVuSans(-[A-Za-z]+)?\.ttf$/.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (files.length === 0) throw new DiscernError('FILE_NOT_FOUND', `no DejaVuSans*.ttf in ${dir}`, { dir });
  fontFiles = files;
  return files;
}

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

interface VegaTextMetrics {
  width: (item: TextItem, text?: unknown) => number;
  estimateWidth: (item: TextItem, text?: unknown) => number;
}

let metricsInstalled = false;

/**
 * Vega measures text with a canvas when one is installed and otherwise guesses; we install measurement
 * from the DejaVu files themselves, the way vl-convert does. Only the guess is replaced: a canvas or
 * another tool's measurer, if present, is left alone.
 */
function installTextMetrics(): void {
  if (metricsInstalled) return;
  metricsInstalled = true;
  const tm = (vega as unknown as { textMetrics?: VegaTextMetrics }).textMetrics;
  if (!tm || tm.width !== tm.estimateWidth) return;
  const files = dejavuFontFiles();
  const pick = (name: string): FontMetrics | undefined => {
    const f = files.find((p) => basename(p) === name);
    return f ? FontMetrics.fromFile(f) : undefined;
  };
  const regular = pick('DejaVuSans.ttf');
  const bold = pick('DejaVuSans-Bold.ttf') ?? regular;
  if (!regular || !bold) return;
  tm.width = (item, text) => {
    const line = String(text ?? item.text ?? '').trim();
    const size = item.fontSize ?? 11;
    const w = item.fontWeight;
    const font = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600) || (typeof w === 'string' && Number(w) >= 600) ? bold : regular;
    const width = font.width(line, size);
    // Truncated text (a label over its limit) is never wider than the limit.
    return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}

/** Collects the compiler's and the runtime's warnings instead of letting them go to the console. */
function collectingLogger(warnings: string[]): LoggerInterface {
  let level = 2; // vega.Warn
  const logger: LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return level as never;
      level = l;
      return logger as never;
    },
    error(...args: readonly unknown[]) {
      throw invalid(`Vega error: ${args.map(String).join(' ')}`);
    },
    warn(...args: readonly unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/** Vega-Lite → Vega → SVG (headless, no canvas or browser needed). */
export async function renderSvg(spec: VegaLiteSpec, warnings: string[] = []): Promise<string> {
  installTextMetrics();
  const logger = collectingLogger(warnings);
  let vgSpec;
  try {
    // The theme goes in as the compile config, so a spec's own `config` still wins.
    vgSpec = compile(spec, { config: THEME_CONFIG, logger }).spec;
  } catch (e) {
    if (e instanceof DiscernError) throw e;
    throw new DiscernError('INVALID_ARGUMENT', `the Vega-Lite spec does not compile: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
  }
  const view = new View(parse(vgSpec), { renderer: 'none', logger });
  try {
    return renumberIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Vega numbers clip paths and gradients with process-wide counters, so the same spec rendered twice gives
 * different ids. Renumbering them per document makes the SVG a pure function of the spec, which is what
 * a CI job comparing figures needs.
 */
export function renumberIds(svg: string): string {
  const map = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) {
    const id = m[1] as string;
    if (!map.has(id)) map.set(id, `${id.replace(/\d+$/, '')}${map.size + 1}`);
  }
  if (map.size === 0) return svg;
  const rename = (id: string): string => map.get(id) ?? id;
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${rename(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${rename(id)})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${rename(id)}"`);
}

/** SVG → PNG with resvg and the bundled DejaVu fonts. */
export function svgToPng(svg: string, scale = 2): { png: Uint8Array; width: number; height: number } {
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 16)) throw invalid(`scale must be a number in (0, 16]; got ${scale}`, { scale });
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles: dejavuFontFiles(), loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    background: 'white',
  });
  const image = resvg.render();
  const png = new Uint8Array(image.asPng());
  return { png, width: image.width, height: image.height };
}

/** Renders a Vega-Lite spec to SVG text and a PNG image. */
export async function renderSpec(spec: VegaLiteSpec, options: RenderOptions = {}): Promise<RenderResult> {
  const warnings: string[] = [];
  const svg = await renderSvg(spec, warnings);
  const { png, width, height } = svgToPng(svg, options.scale ?? 2);
  return { svg, png, width, height, warnings };
}
