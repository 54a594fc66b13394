import { type ParquetColumnValues, csvRow, writeParquet } from '@discern/data';
import { z } from 'zod';
import { defineStep } from '../../step.js';
import { strict } from '../../config/zod-helpers.js';

/** Scores datasets with a fitted classifier, writes one CSV per dataset and prints small ones as a table. */
export const predictStep = defineStep({
  name: 'predict',
  description: 'score datasets with a fitted classifier; writes scores/<model>-<dataset>.csv (or .parquet) and prints tables of up to `print_max` rows',
  params: strict({
    model: z.string().default('model'),
    on: z.array(z.string()).min(1).default(['test']).describe('datasets to score'),
    save: z.boolean().default(true).describe('write the scores as files in the run folder'),
    format: z.enum(['csv', 'parquet']).default('csv').describe('the format of the score files: scores/<model>-<dataset>.csv or .parquet'),
    print_max: z.number().int().nonnegative().default(16).describe('print datasets of at most this many rows as a table (0: never)'),
  }),
  plan: (p, at) => ({
    needs: { models: [{ name: p.model, path: `${at.path}.model`, classifier: true }], datasets: p.on.map((name, i) => ({ name, path: `${at.path}.on[${i}]` })) },
    makes: { files: p.save ? p.on.map((ds, i) => ({ name: `scores/${p.model}-${ds}.${p.format}`, path: `${at.path}.on[${i}]` })) : [] },
  }),
  async run(ctx, p) {
    const fitted = ctx.classifier(p.model, 'predict writes class probabilities');
    for (const dsName of p.on) {
      const ds = ctx.dataset(dsName);
      const set = await ctx.scores(p.model, dsName);
      const K = set.nClasses;
      const n = ds.rows;
      const pred = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (set.proba[i * K + k]! > set.proba[i * K + best]!) best = k;
        pred[i] = best;
      }
      if (p.save && p.format === 'parquet') {
        // the label as text, each class's probability as a double, the predicted class as text
        const columns: Record<string, ParquetColumnValues> = {};
        if (ds.label !== undefined) columns[ds.label] = Array.from(ds.y, (y) => ds.classNames[y] ?? null);
        fitted.classNames.forEach((c, k) => {
          const col = new Float64Array(n);
          for (let i = 0; i < n; i++) col[i] = set.proba[i * K + k]!;
          columns[`p_${c}`] = col;
        });
        columns.predicted = Array.from(pred, (k) => fitted.classNames[k] ?? String(k));
        const parts: Uint8Array[] = [];
        await writeParquet(async (b) => void parts.push(b), columns);
        ctx.artifacts.writeChunks(`scores/${p.model}-${dsName}.parquet`, (write) => parts.forEach((b) => write(b)));
      } else if (p.save) {
        const header = [...(ds.label !== undefined ? [ds.label] : []), ...fitted.classNames.map((c) => `p_${c}`), 'predicted'];
        // Written in chunks of rows: a file of millions of rows is never one string.
        ctx.artifacts.writeChunks(`scores/${p.model}-${dsName}.csv`, (write) => {
          write(csvRow(header));
          const CHUNK = 8192;
          for (let start = 0; start < n; start += CHUNK) {
            let chunk = '';
            for (let i = start; i < Math.min(n, start + CHUNK); i++) {
              const cells: (string | number)[] = [];
              if (ds.label !== undefined) cells.push(ds.classNames[ds.y[i]!] ?? '');
              for (let k = 0; k < K; k++) cells.push(set.proba[i * K + k]!);
              cells.push(fitted.classNames[pred[i]!] ?? String(pred[i]));
              chunk += csvRow(cells);
            }
            write(chunk);
          }
        });
      }
      if (n <= p.print_max) {
        // The raw inputs are shown (undoing standardisation), so a truth table reads as a truth table.
        const X = ctx.dataset(dsName).whole().X;
        const raw = fitted.standardizer ? fitted.standardizer.inverseTransform(X) : X;
        const pos = fitted.positive ?? K - 1;
        const head = [...ds.featureNames, ...(ds.label !== undefined ? [ds.label] : []), `P(${fitted.classNames[pos]})`, 'predicted'];
        const rows: string[][] = [];
        for (let i = 0; i < n; i++) {
          const r: string[] = [];
          for (let j = 0; j < X.cols; j++) r.push(String(Number(raw.data[i * X.cols + j]!.toPrecision(6))));
          if (ds.label !== undefined) r.push(ds.classNames[ds.y[i]!] ?? '');
          r.push(set.proba[i * K + pos]!.toFixed(4));
          r.push(fitted.classNames[pred[i]!] ?? '');
          rows.push(r);
        }
        const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
        const fmt = (r: string[]) => r.map((c, j) => c.padStart(widths[j]!)).join('  ');
        const table = [`${p.model} on ${dsName}:`, fmt(head), ...rows.map(fmt)];
        ctx.summary.push(...table);
      }
      ctx.log(`predict ${p.model} on ${dsName}: ${n} rows scored`);
    }
  },
});
