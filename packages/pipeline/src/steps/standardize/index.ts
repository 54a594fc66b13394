import { Standardizer } from '@discern/data';
import { defineStep } from '../../step.js';
import { strict } from '../../config/zod-helpers.js';

/** Standardises features: mean and standard deviation fitted on train, applied to every dataset of the run. */
export const standardizeStep = defineStep({
  name: 'standardize',
  description: 'standardise features: mean and standard deviation fitted on train, applied to train and test (and folded into saved models)',
  params: strict({}),
  plan: (_p, at) => ({ needs: { datasets: [{ name: 'train', path: at.path }] } }),
  run(ctx) {
    const train = ctx.dataset('train').whole();
    const s = new Standardizer().fit(train.X);
    // A streamed dataset records the standardisation and applies it batch by batch when it is read.
    ctx.mapDatasets((ds) => ds.withTransform(s));
    ctx.standardizer = s;
    ctx.log(`standardize: ${train.featureNames.length} features, fitted on ${train.X.rows} training rows`);
  },
});
