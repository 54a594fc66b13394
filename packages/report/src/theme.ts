import { type Config } from 'vega-lite';

/**
 * One look for every discern plot. Colours are the Okabe–Ito palette (safe for the common forms of colour
 * blindness); signal is always blue and background always vermillion, as physicists read TMVA's plots.
 * Fonts are DejaVu Sans only, so the SVG→PNG rendering (which loads exactly these files) is identical on
 * every machine.
 */
export const FONT_FAMILY = 'DejaVu Sans';

export const SIGNAL_COLOR = '#0072B2';
export const BACKGROUND_COLOR = '#D55E00';
export const NEUTRAL_COLOR = '#7f7f7f';
export const INK_COLOR = '#222222';

/** Okabe–Ito, signal blue and background vermillion first so two-class plots agree with the rest. */
export const CATEGORY_PALETTE: readonly string[] = [
  SIGNAL_COLOR,
  BACKGROUND_COLOR,
  '#009E73', // bluish green
  '#E69F00', // orange
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#8C6D1F', // dark yellow-brown (Okabe–Ito yellow is unreadable on white)
  '#000000',
];

/** Plot area sizes chosen so that the whole figure, axes and titles included, is about 600×400 px. */
export const PLOT_WIDTH = 500;
export const PLOT_HEIGHT = 300;

export const THEME_CONFIG: Config = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 8,
  view: { stroke: '#bbbbbb' },
  title: { fontSize: 16, fontWeight: 'bold', subtitleFontSize: 12, subtitleColor: '#444444', anchor: 'start', offset: 10, color: INK_COLOR },
  axis: {
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: 'normal',
    titleColor: INK_COLOR,
    labelColor: INK_COLOR,
    gridColor: '#e6e6e6',
    domainColor: '#666666',
    tickColor: '#666666',
    titlePadding: 8,
  },
  legend: {
    labelFontSize: 12,
    titleFontSize: 12,
    titleFontWeight: 'bold',
    labelLimit: 400,
    symbolSize: 120,
    padding: 6,
    fillColor: 'rgba(255,255,255,0.85)',
    strokeColor: '#cccccc',
    cornerRadius: 3,
  },
  range: { category: [...CATEGORY_PALETTE] },
  text: { font: FONT_FAMILY },
};

/** A colour per series: the palette in order, cycling if there are more series than colours. */
export function seriesColors(n: number): string[] {
  return Array.from({ length: n }, (_, i) => CATEGORY_PALETTE[i % CATEGORY_PALETTE.length] ?? INK_COLOR);
}
