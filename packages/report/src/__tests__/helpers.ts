// Test helpers: look inside specs and rendered SVG without depending on Vega-Lite's full types.
import { expect } from 'vitest';
import { type VegaLiteSpec } from '../render.js';

export interface LooseLayer {
  mark: string | { type: string; [k: string]: unknown };
  encoding?: Record<string, Record<string, unknown> | undefined>;
  data?: { values: Record<string, unknown>[] };
}

export interface LooseSpec {
  title: { text: string; subtitle?: string[] };
  layer: LooseLayer[];
  width?: number;
  height?: number;
}

export function loose(spec: VegaLiteSpec): LooseSpec {
  return spec as unknown as LooseSpec;
}

export function markType(l: LooseLayer): string {
  return typeof l.mark === 'string' ? l.mark : l.mark.type;
}

export function layersOf(spec: VegaLiteSpec, type: string): LooseLayer[] {
  return loose(spec).layer.filter((l) => markType(l) === type);
}

/** Titles of the x and y encodings over all layers (the first one that has a title). */
export function axisTitle(spec: VegaLiteSpec, channel: 'x' | 'y'): unknown {
  for (const l of loose(spec).layer) {
    const t = l.encoding?.[channel]?.['title'];
    if (t !== undefined) return t;
  }
  return undefined;
}

/** Number of items drawn by the data marks of one kind (`mark-symbol`, `mark-rect`, …) in a Vega SVG. */
export function countMarkItems(svg: string, type: string): number {
  const re = new RegExp(`<g class="mark-${type} role-mark[^"]*"[^>]*>(.*?)</g>`, 'g');
  let n = 0;
  for (const m of svg.matchAll(re)) {
    const body = m[1] ?? '';
    n += (body.match(type === 'text' ? /<text\b/g : /<path\b/g) ?? []).length;
  }
  return n;
}

/** Number of mark groups of one kind (a multi-series line plot has one `mark-line` group per series). */
export function countMarkGroups(svg: string, type: string): number {
  return (svg.match(new RegExp(`class="mark-${type} role-mark`, 'g')) ?? []).length;
}

/** Text content of the SVG's text elements (entities decoded for the few vega emits). */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    (m[1] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
  );
}

export function expectDiscernError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect((e as { name?: string }).name).toBe('DiscernError');
    expect((e as { code?: string }).code).toBe('INVALID_ARGUMENT');
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error(`expected a DiscernError matching ${pattern}, but nothing was thrown`);
}

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

export function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('no width/height on the svg element');
  return { width: Number(m[1]), height: Number(m[2]) };
}
