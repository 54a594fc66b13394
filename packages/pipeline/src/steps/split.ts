import { stratifiedSplit } from '@discern/data';
import { DiscernError } from '@discern/core';
import { z } from 'zod';
import { defineStep } from '../plugin.js';
import { fraction, strict } from '../config/zod-helpers.js';

const datasetName = z.string().regex(/^[A-Za-z][\w-]*$/, 'a dataset name of letters, digits, "-" and "_"');

/**
 * Carves two named datasets out of one, seeded and (for labelled data) stratified: e.g. a calibration sample for a
 * Neyman–Pearson threshold out of the training data, so that the test data stay untouched until the judgement.
 */
export const splitStep = defineStep({
  name: 'split',
  description: 'split a dataset in two named parts, seeded and stratified (e.g. from: train, into: [train, calibration], fraction: 0.25)',
  schema: strict({
    from: z.string().default('train').describe('the dataset to split'),
    into: z.tuple([datasetName, datasetName]).describe('names of the two parts; the second gets `fraction` of the rows'),
    fraction: fraction.describe('share of the rows that go to the second part, in (0, 1)'),
    stratify: z.boolean().default(true).describe('keep the class proportions in both parts (labelled data)'),
  }),
  run(ctx, p) {
    const [first, second] = p.into;
    if (first === second)
      throw new DiscernError('CONFIG_INVALID', `steps[${ctx.step.index}].split.into names the same dataset twice (${JSON.stringify(first)}); give two different names, e.g. [train, calibration]`, {
        path: `steps[${ctx.step.index}].split.into`,
      });
    const ds = ctx.dataset(p.from);
    const labelled = ds.classNames.length > 0 && ds.y.every((c) => c >= 0);
    const parts = stratifiedSplit(ds, { test: p.fraction, stratify: labelled && p.stratify, seed: ctx.seedFor('split') });
    ctx.datasets.set(first, parts.train);
    ctx.datasets.set(second, parts.test);
    const line = `split ${p.from} (${ds.X.rows} rows) → ${first} ${parts.train.X.rows}, ${second} ${parts.test.X.rows}${labelled && p.stratify ? ' (stratified)' : ''}`;
    ctx.log(line);
    ctx.summary.push(line);
  },
});
