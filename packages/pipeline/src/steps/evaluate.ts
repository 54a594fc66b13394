import { summarizeClassification } from '@discern/metrics';
import { z } from 'zod';
import { defineStep } from '../plugin.js';
import { strict } from '../config/zod-helpers.js';
import { classifierScores } from './scores.js';
import { evaluateClusters } from './clusters.js';

function fmt(v: unknown): string {
  return typeof v === 'number' ? v.toFixed(4) : 'n/a';
}

/** Classification metrics of a fitted classifier on datasets, under `metrics.json` → <name> → <dataset>. */
export const evaluateStep = defineStep({
  name: 'evaluate',
  description: 'metrics on train and test: AUC, accuracy, precision, recall, F1, log loss, Brier, confusion matrix, TPR at the FPRs asked for',
  schema: strict({
    model: z.string().default('model'),
    name: z.string().optional().describe('key in metrics.json (default: the model name)'),
    on: z.array(z.string()).min(1).default(['train', 'test']),
    fpr: z.array(z.number().gt(0).lt(1)).default([]).describe('false-positive rates at which to report the true-positive rate'),
    threshold: z.number().gt(0).lt(1).default(0.5).describe('P(positive) at or above which an event is called positive (binary)'),
    compare: z.array(z.string()).default([]).describe('clustering models: other fitted cluster models to compare assignments with'),
  }),
  run(ctx, p) {
    const fitted = ctx.fittedModel(p.model);
    const key = p.name ?? p.model;
    const out: Record<string, unknown> = {};
    if (!fitted.supervised) {
      for (const dsName of p.on) out[dsName] = evaluateClusters(ctx, fitted, dsName, p.compare);
      ctx.metrics[key] = out;
      for (const dsName of p.on) {
        const m = out[dsName] as Record<string, unknown>;
        const parts = [
          m.mean_log_likelihood !== undefined ? `mean log-likelihood ${fmt(m.mean_log_likelihood)}` : undefined,
          m.bic !== undefined ? `BIC ${(m.bic as number).toFixed(1)}` : undefined,
          m.inertia !== undefined ? `inertia ${(m.inertia as number).toFixed(4)}` : undefined,
          m.matching_accuracy !== undefined ? `matches classes ${(100 * (m.matching_accuracy as number)).toFixed(1)} % (ARI ${fmt(m.adjusted_rand_index)})` : undefined,
        ].filter((x) => x !== undefined);
        const line = `evaluate ${key} on ${dsName}: ${parts.join(', ')}`;
        ctx.log(line);
        ctx.summary.push(line);
      }
      return;
    }
    for (const dsName of p.on) {
      const ds = ctx.dataset(dsName);
      const set = classifierScores(ctx, p.model, dsName);
      out[dsName] = summarizeClassification({
        yTrue: ds.y,
        proba: { rows: ds.X.rows, cols: set.nClasses, data: set.proba },
        classNames: [...fitted.classNames],
        ...(fitted.positive !== undefined ? { positive: fitted.positive } : {}),
        ...(ds.weights ? { weights: ds.weights } : {}),
        fprs: p.fpr.map((f) => String(f)),
        threshold: p.threshold,
      });
    }
    ctx.metrics[key] = out;
    for (const dsName of p.on) {
      const m = out[dsName] as Record<string, unknown>;
      const line = `evaluate ${key} on ${dsName}: AUC ${fmt(m.auc)}, accuracy ${fmt(m.accuracy)}, F1 ${fmt(m.f1)}, log loss ${fmt(m.log_loss)}`;
      ctx.log(line);
      ctx.summary.push(line);
    }
  },
});
