import { isDiscernError } from '@discern/core';
import { stratifiedSplit } from '@discern/data';
import { z } from 'zod';
import { InMemoryDataset } from '../../datasets.js';
import { defineStep } from '../../step.js';
import { fraction, strict } from '../../config/zod-helpers.js';

const datasetName = z.string().max(64).regex(/^[A-Za-z][\w-]*$/, 'a dataset name of letters, digits, "-" and "_"');

/**
 * Carves two named datasets out of one, seeded and (for labelled data) stratified: e.g. a calibration sample for a
 * Neyman–Pearson threshold out of the training data, so that the test data stay untouched until the judgement.
 */
export const splitStep = defineStep({
  name: 'split',
  description: 'split a dataset in two named parts, seeded and stratified (e.g. from: train, into: [train, calibration], fraction: 0.25)',
  params: strict({
    from: z.string().default('train').describe('the dataset to split'),
    into: z
      .tuple([datasetName, datasetName])
      .refine(([a, b]) => a !== b, { message: 'names the same dataset twice; give two different names, e.g. [train, calibration]' })
      .describe('names of the two parts; the second gets `fraction` of the rows. Either may be the `from` dataset itself, never another existing one'),
    fraction: fraction.describe('share of the rows that go to the second part, in (0, 1)'),
    stratify: z.boolean().default(true).describe('keep the class proportions in both parts (labelled data)'),
  }),
  plan: (p, at) => ({
    needs: { datasets: [{ name: p.from, path: `${at.path}.from` }] },
    makes: { datasets: p.into.map((name, i) => ({ name, path: `${at.path}.into[${i}]`, replaces: name === p.from })) },
  }),
  run(ctx, p) {
    const [first, second] = p.into;
    const ds = ctx.dataset(p.from).whole();
    const labelled = ds.classNames.length > 0 && ds.y.every((c) => c >= 0);
    const path = `steps[${ctx.step.index}].split`;
    let parts: ReturnType<typeof stratifiedSplit>;
    try {
      parts = stratifiedSplit(ds, { test: p.fraction, stratify: labelled && p.stratify, seed: ctx.seedFor('split') });
    } catch (e) {
      // the data package's option names, said as this step's keys
      throw isDiscernError(e) ? e.renamed({ option: (o) => (o === 'test' ? `${path}.fraction` : o === 'stratify' ? `${path}.stratify` : o) }, { configPath: path }) : e;
    }
    ctx.setDataset(first, new InMemoryDataset(parts.train));
    ctx.setDataset(second, new InMemoryDataset(parts.test));
    ctx.say(`split ${p.from} (${ds.X.rows} rows) → ${first} ${parts.train.X.rows}, ${second} ${parts.test.X.rows}${labelled && p.stratify ? ' (stratified)' : ''}`);
  },
});
