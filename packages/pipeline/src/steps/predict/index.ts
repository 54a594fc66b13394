import { z } from 'zod';
import { defineStep } from '../../step.js';
import { strict } from '../../config/zod-helpers.js';
import { argmaxRows, writeScoreFile } from '../scores.js';

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
      const table = { ...(ds.label !== undefined ? { label: { name: ds.label, y: ds.y, classNames: ds.classNames } } : {}), classNames: fitted.classNames, proba: set.proba };
      const pred = p.save ? await writeScoreFile(ctx, `scores/${p.model}-${dsName}.${p.format}`, p.format, table) : argmaxRows(set.proba, K);
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
