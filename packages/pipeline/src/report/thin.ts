/**
 * Thins a monotone curve (ROC, efficiency curve) for plotting: a point is kept when it is at least `step` away
 * (in max-norm) from the last kept one; the ends are always kept. 20 000 events give 20 000 ROC points, of which a
 * few hundred draw the same line; the SVG (and so report.html) stays small.
 */
export function thinCurve(x: ArrayLike<number>, y: ArrayLike<number>, step = 0.002): { x: number[]; y: number[] } {
  const n = x.length;
  const ox: number[] = [], oy: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = x[i]!, yi = y[i]!;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
    const last = ox.length - 1;
    if (last < 0 || i === n - 1 || Math.max(Math.abs(xi - ox[last]!), Math.abs(yi - oy[last]!)) >= step) {
      ox.push(xi);
      oy.push(yi);
    }
  }
  return { x: ox, y: oy };
}
