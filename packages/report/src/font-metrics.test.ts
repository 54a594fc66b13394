import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FontMetrics } from './font-metrics.js';
import { dejavuFontFiles } from './render.js';

const regular = FontMetrics.fromFile(dejavuFontFiles().find((f) => basename(f) === 'DejaVuSans.ttf')!);
const bold = FontMetrics.fromFile(dejavuFontFiles().find((f) => basename(f) === 'DejaVuSans-Bold.ttf')!);

describe('FontMetrics (DejaVu Sans)', () => {
  it('reads advance widths from hmtx: DejaVu Sans "a" is 1255/2048 em, space 651/2048 em', () => {
    expect(regular.width('a', 2048)).toBe(1255);
    expect(regular.width(' ', 2048)).toBe(651);
  });
  it('scales with the font size and adds up characters', () => {
    expect(regular.width('aa', 12)).toBeCloseTo((2 * 1255 * 12) / 2048, 10);
  });
  it('maps non-ASCII characters through cmap (ε, σ, −)', () => {
    expect(regular.glyph('ε'.codePointAt(0)!)).toBeGreaterThan(0);
    expect(regular.glyph('σ'.codePointAt(0)!)).toBeGreaterThan(0);
    expect(regular.width('ε', 12)).toBeGreaterThan(3);
  });
  it('bold is wider than regular', () => {
    expect(bold.width('Signal efficiency', 12)).toBeGreaterThan(regular.width('Signal efficiency', 12));
  });
});
