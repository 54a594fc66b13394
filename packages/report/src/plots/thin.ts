import { invalid } from '../validate.js';

/**
 * Thinning of a monotone curve (ROC, efficiency curve) for plotting: a point is kept when it is at least `step`
 * away (in max-norm) from the last kept one; the ends are always kept; non-finite points are dropped. 20 000
 * events give 20 000 ROC points, of which a few hundred draw the same line; the SVG (and so report.html) stays
 * small. Thinning a thinned curve with the same step changes nothing (each kept point is ≥ step from the one
 * kept before it), so a curve thinned while it was walked can be handed to a builder that thins again.
 */

/** The default step: 1/500 of the unit square, below a pixel of a 500 px wide plot. */
export const CURVE_THIN_STEP = 0.002;

export function checkThinStep(step: number): number {
  if (!(Number.isFinite(step) && step > 0)) throw invalid(`the thinning step must be a finite number > 0; got ${step}`, { step });
  return step;
}

/** The thinned curve: the kept points of (x, y), in order. */
export function thinCurve(x: ArrayLike<number>, y: ArrayLike<number>, step = CURVE_THIN_STEP): { x: number[]; y: number[] } {
  const t = new CurveThinner(step);
  for (let i = 0; i < x.length; i++) t.push(x[i]!, y[i]!);
  return t.finish();
}

/** thinCurve of a curve given point by point (a ROC curve walked over millions of scores is never held whole). */
export class CurveThinner {
  private readonly ox: number[] = [];
  private readonly oy: number[] = [];
  private pending = false;
  private px = 0;
  private py = 0;
  private readonly step: number;

  constructor(step = CURVE_THIN_STEP) {
    this.step = checkThinStep(step);
  }

  push(x: number, y: number): void {
    // A point is judged when the next arrives, so that the last one is known to be last.
    if (this.pending) this.take(this.px, this.py, false);
    this.pending = true;
    this.px = x;
    this.py = y;
  }

  finish(): { x: number[]; y: number[] } {
    if (this.pending) this.take(this.px, this.py, true);
    this.pending = false;
    return { x: this.ox, y: this.oy };
  }

  private take(xi: number, yi: number, last: boolean): void {
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) return;
    const { ox, oy } = this;
    const k = ox.length - 1;
    if (k < 0 || last || Math.max(Math.abs(xi - ox[k]!), Math.abs(yi - oy[k]!)) >= this.step) {
      ox.push(xi);
      oy.push(yi);
    }
  }
}
