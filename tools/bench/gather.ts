/**
 * The MLP's mini-batch gather alone (rows picked by a shuffled order and copied into a batch buffer, as
 * Workspace.loadRows does) against the same copy in the rows' own order, on MAGIC-shaped data (10 features) of
 * 13,314, 133,140 and 1,331,400 rows: what a row costs when it comes from a random place of a large array. Medians of
 * 15 epochs' worth of batches of 200, the two orders interleaved.
 *
 *   npx tsx --tsconfig tools/tsconfig.json tools/bench/gather.ts
 *
 * Why it matters (docs/benchmarks.md, issue 15): the MLP fit on 10× the rows takes ~12× the time; in the rows' own
 * order ~10×. The difference is this gather: with 4 KB pages a 10 MB array spans ~2,600 pages, more than the
 * processor's second-level TLB holds, so most shuffled rows cost a page walk (and on a VM a nested one).
 */
import { createRng } from '@discern/linalg';
import { isMain, median } from './common.js';

const P = 10, BATCH = 200;

function gather(X: Float64Array, order: Int32Array, buf: Float64Array): number {
  const n = order.length;
  let s = 0;
  for (let start = 0; start < n; start += BATCH) {
    const m = Math.min(BATCH, n - start);
    for (let r = 0; r < m; r++) {
      const src = order[start + r]! * P, dst = r * P;
      for (let k = 0; k < P; k++) buf[dst + k] = X[src + k]!;
    }
    s += buf[5]!;
  }
  return s;
}

export function benchGather(log: (line: string) => void = console.log): { rows: number; inOrder: number; shuffled: number }[] {
  const out: { rows: number; inOrder: number; shuffled: number }[] = [];
  const buf = new Float64Array(BATCH * P);
  for (const rows of [13_314, 133_140, 1_331_400]) {
    const X = Float64Array.from({ length: rows * P }, (_, i) => (i % 13) * 0.1);
    const own = Int32Array.from({ length: rows }, (_, i) => i);
    const shuffled = createRng(1).permutation(rows);
    const a: number[] = [], b: number[] = [];
    let sink = 0;
    for (let r = 0; r < 16; r++) {
      let t = performance.now();
      sink += gather(X, own, buf);
      const ta = performance.now() - t;
      t = performance.now();
      sink += gather(X, shuffled, buf);
      const tb = performance.now() - t;
      if (r === 0) continue; // warm-up
      a.push((ta * 1e6) / rows);
      b.push((tb * 1e6) / rows);
    }
    if (!Number.isFinite(sink)) throw new Error('unreachable');
    const row = { rows, inOrder: median(a), shuffled: median(b) };
    out.push(row);
    log(`${rows.toLocaleString('en-US').padStart(10)} rows (${((rows * P * 8) / 2 ** 20).toFixed(1)} MB): own order ${row.inOrder.toFixed(1)} ns a row, shuffled ${row.shuffled.toFixed(1)} ns a row (× ${(row.shuffled / row.inOrder).toFixed(2)})`);
  }
  return out;
}

if (isMain(import.meta.url)) benchGather();
