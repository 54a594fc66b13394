import { Standardizer } from '@discern/data';
import { defineStep } from '../plugin.js';
import { strict } from '../config/zod-helpers.js';

/** Fits mean/scale on the training set and applies them to every dataset of the run. */
export const standardizeStep = defineStep({
  name: 'standardize',
  description: 'standardise features: mean and standard deviation fitted on train, applied to train and test (and folded into saved models)',
  schema: strict({}),
  run(ctx) {
    const train = ctx.dataset('train');
    const s = new Standardizer().fit(train.X);
    for (const [name, ds] of ctx.datasets) ctx.datasets.set(name, { ...ds, X: s.transform(ds.X) });
    // A streamed dataset records the standardisation and applies it batch by batch when it is read.
    for (const [name, ds] of ctx.streamed) ctx.streamed.set(name, ds.withTransform(s));
    ctx.standardizer = s;
    ctx.log(`standardize: ${train.featureNames.length} features, fitted on ${train.X.rows} training rows`);
  },
});
