import { type VegaLiteSpec } from '../render.js';
import { PLOT_HEIGHT, PLOT_WIDTH, THEME_CONFIG } from '../theme.js';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A title, with a subtitle (one string per line) only when there is something to say. */
export function titleOf(text: string, subtitle: readonly string[] = []): { text: string; subtitle?: string[] } {
  return subtitle.length > 0 ? { text, subtitle: [...subtitle] } : { text };
}

export interface BaseOptions {
  title: string;
  subtitle?: readonly string[];
  width?: number;
  height?: number;
}

/**
 * The frame every builder shares: schema, size and the theme embedded as `config`, so a `.vl.json` written
 * next to the PNG renders the same in the Vega editor as it does here.
 */
export function layered(base: BaseOptions, layer: unknown[], extra: Record<string, unknown> = {}): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleOf(base.title, base.subtitle),
    width: base.width ?? PLOT_WIDTH,
    height: base.height ?? PLOT_HEIGHT,
    config: THEME_CONFIG,
    ...extra,
    layer,
  } as VegaLiteSpec;
}
