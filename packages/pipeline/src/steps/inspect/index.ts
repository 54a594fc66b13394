import { classHistograms, correlationByClass, correlationMatrix, separationOfHistograms } from '@discern/metrics';
import { isDiscernError } from '@discern/core';
import { type DenseMatrix } from '@discern/linalg';
import { z } from 'zod';
import { strict } from '../../config/zod-helpers.js';
import { defineStep } from '../../step.js';
import { datasetNaming, weightsNaming } from '../naming.js';
import { inspectHistograms } from './histograms.js';
import { inspectReport } from './report.js';
import { type InspectResult, inspectResultSchema } from './result.js';

const params = strict({
  on: z.string().default('train').describe('the dataset whose input variables are inspected (typically train, before fitting)'),
  features: z.array(z.string()).min(1).optional().describe('the variables to inspect (default: every feature of the data)'),
  bins: z
    .number()
    .int()
    .min(2)
    .max(1000)
    .default(40)
    .describe('equal-width bins of each histogram over the variable’s range (a variable of fewer whole-number values: one bin per value); the separation is computed on them'),
  plot: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(12)
    .describe('how many variables the report draws (distributions and correlation maps): the first by separation; all are in metrics.json and the tables'),
  name: z.string().max(64).regex(/^[A-Za-z][\w-]*$/, 'a name of letters, digits, "-" and "_"').optional().describe('key under metrics.json → inspect (default: the dataset)'),
});

export type InspectParams = z.output<typeof params>;

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * TMVA's look at the input variables before any fit: per variable, the (weighted) distribution of each class, its
 * separation ⟨S²⟩ between signal and background from those histograms, and the ranking by it; the linear
 * correlation matrix of each class. In raw units: a dataset standardised by an earlier step is taken back.
 */
export const inspectStep = defineStep({
  name: 'inspect',
  description: 'input variables: class distributions, separation ⟨S²⟩ and its ranking, correlation matrix per class (TMVA)',
  params,
  result: inspectResultSchema,
  key: (p) => ['inspect', p.name ?? p.on],
  plan: (p, at) => ({
    needs: { datasets: [{ name: p.on, path: `${at.path}.on` }] },
    problems: [
      ...(at.config.data.label === undefined ? [{ path: at.path, message: 'inspect compares the classes of the data: set data.label to the class column' }] : []),
      // a feature named twice: each feature once (its second mention is the one to remove)
      ...(p.features ?? []).flatMap((f, i, all) =>
        all.indexOf(f) !== i ? [{ path: `${at.path}.features[${i}]`, message: `names ${JSON.stringify(f)} again (it is features[${all.indexOf(f)}]); list each feature once` }] : [],
      ),
    ],
  }),
  run(ctx, p): InspectResult {
    const ds = ctx.dataset(p.on).whole();
    const path = `steps[${ctx.step.index}].inspect`;
    const names = ds.featureNames;
    const wanted = p.features ?? names;
    const cols = wanted.map((f, i) => {
      const j = names.indexOf(f);
      if (j < 0) throw ctx.config.error(`${path}.features[${i}]`, `is ${JSON.stringify(f)}, not a feature of the data; the features are ${names.map((n) => JSON.stringify(n)).join(', ')}`);
      return j;
    });
    const dup = wanted.find((f, i) => wanted.indexOf(f) !== i);
    if (dup !== undefined) throw ctx.config.error(`${path}.features`, `names ${JSON.stringify(dup)} twice`);
    // raw units: the standardisation of an earlier step undone (separation and correlations do not change, the axes do)
    const raw: DenseMatrix = ctx.standardizer ? ctx.standardizer.inverseTransform(ds.X) : ds.X;
    const K = ds.classNames.length;
    const signal = K === 2 ? (ds.positive ?? 1) : undefined;
    const w = ds.weights;
    const n = ds.X.rows, P = raw.cols;
    const column = new Float64Array(n);
    const features: InspectResult['features'] = {};
    const seps: number[] = [];
    const hist: { edges: Float64Array[]; counts: Float64Array[][] } = { edges: [], counts: [] };
    const totals = Array.from({ length: K }, () => 0);
    for (let i = 0; i < n; i++) totals[ds.y[i]!]! += w ? w[i]! : 1;
    const undefinedReasons: Record<string, string> = {};
    let anyMissing = false;
    for (const j of cols) {
      for (let i = 0; i < n; i++) column[i] = raw.data[i * P + j]!;
      // Missing cells (NaN, data.missing: keep) are left out of this variable's figures: its distributions, mean and
      // standard deviation are those of the rows where it is present (and correlations pairwise, below).
      const f = presentRows(column, ds.y, w, K);
      if (f.missing > 0) anyMissing = true;
      if (f.rows === 0) {
        const none = Object.fromEntries(ds.classNames.map((c) => [c, null]));
        undefinedReasons[`features.${names[j]!}`] = `every one of its ${n} cells in ${p.on} is missing`;
        seps.push(NaN);
        hist.edges.push(new Float64Array([0, 1]));
        hist.counts.push(ds.classNames.map(() => new Float64Array(1)));
        features[names[j]!] = { separation: null, rank: null, mean: none, std: { ...none }, bins: 0, range: [null, null], missing: f.missing };
        continue;
      }
      const { column: present, y: yPresent, w: wPresent, totals: totalsPresent } = f;
      // A variable of whole numbers taking no more values than there are bins (pixel intensities 0–16, counts) gets one
      // bin per value, centred on it: equal-width bins over its range would leave every other bin empty.
      let lo = Infinity, hi = -Infinity, whole = true;
      for (let i = 0; i < present.length; i++) {
        const v = present[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        // within rounding of a whole number: a standardisation undone gives 3.0000000000000004 for 3
        if (whole && Math.abs(v - Math.round(v)) > 1e-9 * Math.max(1, Math.abs(v))) whole = false;
      }
      const values = whole ? Math.round(hi) - Math.round(lo) + 1 : Infinity;
      const binning = values <= p.bins ? { bins: values, range: [Math.round(lo) - 0.5, Math.round(hi) + 0.5] as [number, number] } : { bins: p.bins };
      const h = classHistograms(present, yPresent, K, { ...binning, ...(wPresent ? { weights: wPresent } : {}) });
      const bins = h.edges.length - 1;
      const width = (h.edges[bins]! - h.edges[0]!) / bins;
      let sep = NaN;
      if (signal !== undefined) sep = separationOfHistograms(h.sumW[signal]!, h.sumW[1 - signal]!, width);
      seps.push(sep);
      hist.edges.push(h.edges);
      hist.counts.push(h.sumW);
      // per-class weighted mean and standard deviation (1/Σw) of the variable
      const mean: Record<string, number | null> = {}, std: Record<string, number | null> = {};
      ds.classNames.forEach((c, k) => {
        let s = 0, t = 0;
        for (let i = 0; i < present.length; i++) if (yPresent[i] === k) s += (wPresent ? wPresent[i]! : 1) * present[i]!;
        const mu = s / totalsPresent[k]!;
        for (let i = 0; i < present.length; i++) if (yPresent[i] === k) t += (wPresent ? wPresent[i]! : 1) * (present[i]! - mu) ** 2;
        mean[c] = finite(mu);
        std[c] = finite(Math.sqrt(Math.max(0, t / totalsPresent[k]!)));
      });
      features[names[j]!] = { separation: finite(sep), rank: null, mean, std, bins, range: [h.edges[0]!, h.edges[bins]!], ...(f.missing > 0 ? { missing: f.missing } : {}) };
    }
    // the ranking: by decreasing separation, ties in data order; without a signal class, data order
    const order = wanted.map((_, i) => i);
    // an undefined separation (a class without positive weight in range) ranks last
    const key = (i: number): number => (Number.isNaN(seps[i]!) ? -Infinity : seps[i]!);
    if (signal !== undefined) order.sort((a, b) => (key(b) > key(a) ? 1 : key(b) < key(a) ? -1 : a - b));
    else undefinedReasons['separation'] = `the data have ${K} classes: the separation ⟨S²⟩ is defined for signal against background (two classes)`;
    if (signal !== undefined) order.forEach((i, r) => (features[wanted[i]!]!.rank = r + 1));
    const ranking = order.map((i) => wanted[i]!);
    const sub: DenseMatrix = cols.length === P && cols.every((j, i) => j === i) ? raw : selectColumns(raw, cols);
    const correlation: InspectResult['correlation'] = {};
    // with missing cells, each coefficient from the rows where both of its variables are present (pairwise)
    let byClass: ReturnType<typeof pairwiseCorrelationByClass>;
    try {
      byClass = anyMissing ? pairwiseCorrelationByClass(sub, ds.y, K, w) : correlationByClass(sub, ds.y, K, w ? { weights: w } : {});
    } catch (e) {
      // a class whose weights do not sum to a positive number: named by its label, the weights by data.weight
      if (isDiscernError(e)) throw e.renamed({ ...datasetNaming(ds), ...(w ? weightsNaming(ctx.config) : {}) });
      throw e;
    }
    byClass.forEach((c, k) => {
      const cls = ds.classNames[k]!;
      if (!c) {
        undefinedReasons[`correlation.${cls}`] = `no event of class ${JSON.stringify(cls)} in ${p.on}`;
        return;
      }
      correlation[cls] = Array.from({ length: wanted.length }, (_, a) => Array.from({ length: wanted.length }, (_, b) => finite(c.matrix[a * wanted.length + b]!)));
    });
    if (anyMissing) undefinedReasons['missing'] = `missing cells are left out: each variable's figures are of the rows where it is present, each correlation of the rows where both are (the count per variable under features.<name>.missing)`;
    const constant = wanted.filter((f) => features[f]!.std && Object.values(features[f]!.std).every((s) => s === 0));
    if (constant.length) undefinedReasons['constant'] = `constant in every class (no correlation): ${constant.join(', ')}`;
    inspectHistograms.set(p, { features: wanted, edges: hist.edges, counts: hist.counts });
    const top = ranking.slice(0, 3).map((f) => `${f} ${features[f]!.separation?.toFixed(3) ?? ''}`.trim());
    ctx.say(
      signal !== undefined
        ? `inspect ${p.on}: ${wanted.length} variables ranked by separation ⟨S²⟩ (${ds.classNames[signal]} against ${ds.classNames[1 - signal]}): ${top.join(', ')}${wanted.length > 3 ? ', …' : ''}`
        : `inspect ${p.on}: ${wanted.length} variables, ${K} classes (no separation ranking: it needs two classes)`,
    );
    return {
      dataset: p.on,
      n,
      weighted: w !== undefined,
      classes: [...ds.classNames],
      signal: signal !== undefined ? ds.classNames[signal]! : null,
      bins: p.bins,
      features,
      ranking,
      correlation,
      ...(Object.keys(undefinedReasons).length ? { undefined_reasons: undefinedReasons } : {}),
    };
  },
  report: inspectReport,
});

function selectColumns(X: DenseMatrix, cols: readonly number[]): DenseMatrix {
  const out = new Float64Array(X.rows * cols.length);
  for (let i = 0; i < X.rows; i++) for (let a = 0; a < cols.length; a++) out[i * cols.length + a] = X.data[i * X.cols + cols[a]!]!;
  return { rows: X.rows, cols: cols.length, data: out };
}

/** The rows of a column where it is present (not NaN), with their labels and weights, and each class's weight there. */
function presentRows(column: Float64Array, y: Int32Array, w: Float64Array | undefined, K: number): { column: Float64Array; y: Int32Array; w: Float64Array | undefined; totals: number[]; rows: number; missing: number } {
  const n = column.length;
  let missing = 0;
  for (let i = 0; i < n; i++) if (Number.isNaN(column[i]!)) missing++;
  const m = n - missing;
  const out = missing === 0 ? column : new Float64Array(m);
  const yy = missing === 0 ? y : new Int32Array(m);
  const ww = !w || missing === 0 ? w : new Float64Array(m);
  const totals = Array.from({ length: K }, () => 0);
  for (let i = 0, r = 0; i < n; i++) {
    if (Number.isNaN(column[i]!)) continue;
    if (missing > 0) {
      out[r] = column[i]!;
      yy[r] = y[i]!;
      if (ww) ww[r] = w![i]!;
      r++;
    }
    totals[y[i]!]! += w ? w[i]! : 1;
  }
  return { column: out, y: yy, w: ww, totals, rows: m, missing };
}

/**
 * One correlation matrix per class with missing cells: each coefficient (a, b) is correlationMatrix's on the rows of
 * the class where both a and b are present; null (NaN) where there are none, or their weight is not positive.
 */
function pairwiseCorrelationByClass(X: DenseMatrix, y: Int32Array, K: number, w: Float64Array | undefined): ({ matrix: Float64Array } | undefined)[] {
  const p = X.cols, n = X.rows;
  const pair = new Float64Array(n * 2);
  return Array.from({ length: K }, (_, k) => {
    let any = false;
    for (let i = 0; i < n; i++) if (y[i] === k) any = true;
    if (!any) return undefined;
    const matrix = new Float64Array(p * p).fill(NaN);
    for (let a = 0; a < p; a++) {
      for (let b = a; b < p; b++) {
        const rows: number[] = [];
        for (let i = 0; i < n; i++) {
          const va = X.data[i * p + a]!, vb = X.data[i * p + b]!;
          pair[i * 2] = va;
          pair[i * 2 + 1] = vb;
          if (y[i] === k && !Number.isNaN(va) && !Number.isNaN(vb)) rows.push(i);
        }
        let sumW = 0;
        for (const i of rows) sumW += w ? w[i]! : 1;
        if (rows.length === 0 || !(sumW > 0)) continue;
        const r = correlationMatrix({ rows: n, cols: 2, data: pair }, { rows, ...(w ? { weights: w } : {}) }).matrix[1]!;
        matrix[a * p + b] = a === b ? (Number.isNaN(r) ? NaN : 1) : r;
        matrix[b * p + a] = matrix[a * p + b]!;
      }
    }
    return { matrix };
  });
}
