import { backgroundAtSignalEfficiency, delongAuc, pairedBootstrap, pairedDelong } from '@discern/metrics';
import { z } from 'zod';
import { strict } from '../../config/zod-helpers.js';
import { type FittedModel } from '../../context.js';
import { defineStep } from '../../step.js';
import { positiveScore, scoreOrder } from '../scores.js';
import { compareReport, pairSentence } from './report.js';
import { type CompareResult, compareResultSchema } from './result.js';

const params = strict({
  models: z.array(z.string()).min(2, 'compare needs at least two fitted classifiers').describe('the fitted binary classifiers to compare, by name'),
  on: z.string().default('test').describe('the dataset they are compared on (the same events for all: the tests are paired)'),
  signal_efficiency: z.array(z.number().gt(0).lt(1)).default([]).describe('signal efficiencies εS at which to compare the background rejection 1 − εB (paired bootstrap intervals)'),
  bootstrap: z.number().int().min(10).max(1_000_000).default(1000).describe('replicates of the paired bootstrap, seeded from the run seed'),
  interval: z.enum(['clopper-pearson', 'wilson']).default('clopper-pearson').describe('binomial interval of each classifier’s efficiencies'),
  confidence: z.number().gt(0).lt(1).default(0.95).describe('confidence level of every interval; a pair differs significantly when p < 1 − confidence'),
  name: z.string().max(64).regex(/^[A-Za-z][\w-]*$/, 'a name of letters, digits, "-" and "_"').optional().describe('key in metrics.json (default: compare)'),
});

export type CompareParams = z.output<typeof params>;

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Several fitted classifiers on the same events: each one's AUC and background at fixed signal efficiency with
 * intervals, and for every pair the paired DeLong test of equal AUC (the correlation of the two ROC curves on the
 * same events taken into account) and the differences in AUC and in background rejection with paired-bootstrap
 * intervals. DeLong's variance is that of unweighted events: with event weights the test is made on the events
 * unweighted (so said in metrics.json: `delong.weighted: false`), and the weighted differences get the paired
 * bootstrap's intervals, which resamples events with their weights.
 */
export const compareStep = defineStep({
  name: 'compare',
  description: 'classifiers compared on the same events: overlaid ROC and rejection curves, AUC and εB tables, paired DeLong test and bootstrap differences for every pair',
  params,
  result: compareResultSchema,
  key: (p) => [p.name ?? 'compare'],
  plan: (p, at) => {
    const dup = p.models.findIndex((m, i) => p.models.indexOf(m) !== i);
    return {
      needs: {
        models: p.models.map((m, i) => ({ name: m, path: `${at.path}.models[${i}]`, classifier: true })),
        datasets: [{ name: p.on, path: `${at.path}.on` }],
      },
      ...(dup >= 0 ? { problems: [{ path: `${at.path}.models[${dup}]`, message: `names ${JSON.stringify(p.models[dup])} a second time; compare each model once` }] } : {}),
    };
  },
  async run(ctx, p): Promise<CompareResult> {
    const path = `steps[${ctx.step.index}].compare`;
    const fitted: FittedModel[] = p.models.map((m) => ctx.classifier(m, 'compare needs class probabilities'));
    // every model that is not binary, not only the first: the class count is known once the data is read, so this is
    // checked here (validate cannot), before any scoring
    const notBinary = fitted.flatMap((f, i) => (f.classNames.length !== 2 ? [i] : []));
    if (notBinary.length > 0) {
      const said = notBinary.map((i) => `${JSON.stringify(p.models[i])} (models[${i}]${ctx.config.where(`${path}.models[${i}]`) ? `, ${ctx.config.where(`${path}.models[${i}]`)}` : ''}) has ${fitted[i]!.classNames.length} classes`);
      throw ctx.config.error(
        `${path}.models[${notBinary[0]}]`,
        `compare takes binary classifiers (signal against background): ${said.join('; ')}`,
      );
    }
    const first = fitted[0]!;
    const signal = first.classNames[first.positive ?? 1]!;
    fitted.forEach((f, i) => {
      if (f.classNames.join('\0') !== first.classNames.join('\0') || f.classNames[f.positive ?? 1] !== signal)
        throw ctx.config.error(`${path}.models[${i}]`, `is ${JSON.stringify(f.name)}, fitted on the classes ${f.classNames.join(', ')} (signal ${f.classNames[f.positive ?? 1]}); ${JSON.stringify(first.name)} has ${first.classNames.join(', ')} (signal ${signal}): compared classifiers must share their classes`);
    });
    const pos = first.positive ?? 1;
    const ds = ctx.dataset(p.on);
    const scores = await Promise.all(fitted.map(async (f) => positiveScore(await ctx.scores(f.name, p.on), pos)));
    const w = ds.weights;
    const seed = ctx.seedFor('bootstrap');
    const es = p.signal_efficiency;
    const boot = pairedBootstrap(ds.y, scores, {
      ...(w ? { weights: w } : {}),
      posLabel: pos,
      signalEfficiency: es,
      nBoot: p.bootstrap,
      seed,
      cl: p.confidence,
      ...(ctx.execution.signal ? { signal: ctx.execution.signal } : {}),
    });
    const models: CompareResult['models'] = {};
    fitted.forEach((f, k) => {
      const score = scores[k]!;
      const order = scoreOrder(score);
      let auc_interval: CompareResult['models'][string]['auc_interval'];
      if (w) {
        const b = boot.models[k]!.auc;
        auc_interval = { method: 'bootstrap', value: b.value, interval: [b.lower, b.upper] };
      } else {
        const d = delongAuc(ds.y, score, { cl: p.confidence, order, posLabel: pos });
        auc_interval = { method: 'delong', value: d.auc, interval: [d.lower, d.upper] };
      }
      const rows = es.length ? backgroundAtSignalEfficiency(ds.y, score, es, { ...(w ? { weights: w } : {}), method: p.interval, cl: p.confidence, order, posLabel: pos }) : [];
      models[f.name] = {
        auc: boot.auc[k]!,
        auc_interval,
        background_at_signal_efficiency: Object.fromEntries(
          rows.map((r) => [
            String(r.effS),
            {
              background_efficiency: { value: r.effB, interval: [r.effBInterval.lower, r.effBInterval.upper] },
              background_rejection: { value: r.rejection, interval: [1 - r.effBInterval.upper, 1 - r.effBInterval.lower] },
              rejection_factor: { value: r.rejectionFactor, interval: [r.rejectionFactorInterval.lower, r.rejectionFactorInterval.upper] },
            },
          ]),
        ),
      };
    });
    const pairs: CompareResult['pairs'] = {};
    for (const bp of boot.pairs) {
      const a = fitted[bp.a]!.name, b = fitted[bp.b]!.name;
      const d = pairedDelong(ds.y, scores[bp.a]!, scores[bp.b]!, { cl: p.confidence, posLabel: pos });
      pairs[`${a} vs ${b}`] = {
        a,
        b,
        auc_difference: w ? { method: 'bootstrap', value: bp.auc.value, interval: [bp.auc.lower, bp.auc.upper] } : { method: 'delong', value: d.difference, interval: [d.lower, d.upper] },
        delong: { auc_a: d.aucA, auc_b: d.aucB, z: finite(d.z), p_value: d.pValue, standard_error: d.se, correlation: finite(d.correlation), weighted: false },
        rejection_difference: Object.fromEntries(es.map((e, t) => [String(e), { value: bp.rejection[t]!.value, interval: [bp.rejection[t]!.lower, bp.rejection[t]!.upper] }])),
      };
    }
    for (const pair of Object.values(pairs)) ctx.say(`compare on ${p.on}: ${pairSentence(pair, 1 - p.confidence, w !== undefined)}`);
    return {
      dataset: p.on,
      n: ds.rows,
      weighted: w !== undefined,
      signal,
      confidence: p.confidence,
      interval: p.interval,
      bootstrap: { replicates: p.bootstrap, seed, ...(boot.dropped > 0 ? { dropped_replicates: boot.dropped } : {}) },
      models,
      pairs,
    };
  },
  report: compareReport,
});
