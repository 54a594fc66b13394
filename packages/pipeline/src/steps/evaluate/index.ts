import { summarizeClassification } from '@discern/metrics';
import { z } from 'zod';
import { defineStep } from '../plugin.js';
import { strict } from '../config/zod-helpers.js';
import { cachedScores, classifierScores, positiveScore, scoreOrder } from './scores.js';
import { evaluateClusters } from './clusters.js';
import { overtrainingFigures, physicsFigures } from './physics.js';

const efficiencies = z.array(z.number().gt(0).lt(1)).default([]);

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
    signal_efficiency: efficiencies.describe('binary: signal efficiencies εS at which to report εB, 1 − εB and 1/εB with intervals'),
    background_efficiency: efficiencies.describe('binary: background efficiencies εB at which to report εS with its interval'),
    interval: z.enum(['clopper-pearson', 'wilson']).default('clopper-pearson').describe('binomial interval of efficiencies (effective counts with weights)'),
    confidence: z.number().gt(0).lt(1).default(0.95).describe('confidence level of every interval'),
    auc_interval: z.enum(['delong', 'bootstrap', 'none']).default('delong').describe('binary: interval on the AUC'),
    bootstrap: z.number().int().min(10).default(1000).describe('bootstrap replicates (auc_interval: bootstrap), seeded from the run seed'),
    overtraining: z.boolean().default(true).describe('binary: Kolmogorov–Smirnov test of the output, train against test (needs both datasets)'),
    significance: strict({
      signal_scale: z.number().positive().default(1).describe('multiplies Σw of signal into an expected yield'),
      background_scale: z.number().positive().default(1).describe('the same for background'),
    })
      .optional()
      .describe('binary: scan the cut on the output for the best s/√b, s/√(s+b) and Asimov significance'),
  }),
  async run(ctx, p) {
    const fitted = ctx.fittedModel(p.model);
    const key = p.name ?? p.model;
    const out: Record<string, unknown> = {};
    ctx.records.evaluations.push({ key, model: p.model, on: p.on });
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
      // Labels and scores only: a streamed test file is scored batch by batch, its features never held whole.
      const ds = ctx.labels(dsName);
      const set = await classifierScores(ctx, p.model, dsName);
      const pos = fitted.positive ?? 1;
      // Binary: P(positive) and its sort, made once and shared by every figure (no copies of a large sample).
      const score = set.nClasses === 2 ? positiveScore(set, pos) : undefined;
      const order = score ? scoreOrder(score) : undefined;
      out[dsName] = summarizeClassification({
        yTrue: ds.y,
        proba: { rows: ds.rows, cols: set.nClasses, data: set.proba },
        classNames: [...fitted.classNames],
        ...(fitted.positive !== undefined ? { positive: fitted.positive } : {}),
        ...(ds.weights ? { weights: ds.weights } : {}),
        // keyed by the FPR as written in the config (0.010 stays "0.010"); String(f) for values from --set
        fprs: p.fpr.map((f, j) => ctx.config.numberAsWritten(['steps', ctx.step.index, 'evaluate', 'fpr', j]) ?? String(f)),
        threshold: p.threshold,
        ...(score && order ? { score, order } : {}),
      });
      if (score && order) {
        const physics = physicsFigures(ds, score, order, pos, {
          method: p.interval,
          confidence: p.confidence,
          signalEfficiency: p.signal_efficiency,
          backgroundEfficiency: p.background_efficiency,
          aucInterval: p.auc_interval,
          bootstrap: p.bootstrap,
          seed: ctx.seedFor(`bootstrap:${dsName}`),
          significance: p.significance,
        });
        Object.assign(out[dsName] as Record<string, unknown>, physics);
      }
    }
    // The overtraining check compares the output on the training sample with that on the test sample.
    if (p.overtraining && fitted.classNames.length === 2 && p.on.includes('test') && ctx.hasDataset('train') && ctx.hasDataset('test') && !ctx.sameDataset('train', 'test') && out.test) {
      const pos = fitted.positive ?? 1;
      await classifierScores(ctx, p.model, 'train');
      await classifierScores(ctx, p.model, 'test');
      const s = (name: string) => positiveScore(cachedScores(ctx, p.model, name), pos);
      const train = s('train'), test = s('test');
      (out.test as Record<string, unknown>).overtraining = overtrainingFigures(ctx.labels('train'), train, scoreOrder(train), ctx.labels('test'), test, scoreOrder(test), pos, 'train');
    }
    ctx.metrics[key] = out;
    for (const dsName of p.on) {
      const m = out[dsName] as Record<string, unknown>;
      const ai = m.auc_interval as { interval: [number, number] } | undefined;
      const auc = ai ? `${fmt(m.auc)} [${fmt(ai.interval[0])}, ${fmt(ai.interval[1])}]` : fmt(m.auc);
      const rej = ((m.physics as Record<string, unknown> | undefined)?.background_at_signal_efficiency ?? {}) as Record<string, { background_rejection: { value: number } }>;
      const rejText = Object.entries(rej).map(([es, r]) => `, 1 − εB at εS = ${es}: ${fmt(r.background_rejection.value)}`).join('');
      const line = `evaluate ${key} on ${dsName}: AUC ${auc}, accuracy ${fmt(m.accuracy)}, F1 ${fmt(m.f1)}, log loss ${fmt(m.log_loss)}${rejText}`;
      ctx.log(line);
      ctx.summary.push(line);
    }
  },
});
