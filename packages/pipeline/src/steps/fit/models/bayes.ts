import { CategoricalNB, GaussianNB, GenerativeClassifier, LDA, MultinomialNB, QDA } from '@discern/models';
import { z } from 'zod';
import { strict } from '../../../config/zod-helpers.js';
import { defineModel } from './spec.js';

const priors = z
  .array(z.number().positive())
  .min(2)
  .refine((p) => Math.abs(p.reduce((a, b) => a + b, 0) - 1) <= 1e-6, { error: (iss) => `class priors must sum to 1, got a sum of ${+(iss.input as number[]).reduce((a, b) => a + b, 0).toPrecision(6)}` })
  .optional()
  .describe('class priors in class order, summing to 1 (default: the training fractions)');

export const gaussianNbModel = defineModel({
  name: 'gaussian-nb',
  description: 'Gaussian naive Bayes',
  supervised: true,
  schema: strict({ var_smoothing: z.number().nonnegative().default(1e-9), priors }),
  create: (o) => new GaussianNB({ varSmoothing: o.var_smoothing, ...(o.priors ? { priors: o.priors } : {}) }),
});

export const multinomialNbModel = defineModel({
  name: 'multinomial-nb',
  description: 'multinomial naive Bayes for count features',
  supervised: true,
  schema: strict({ alpha: z.number().positive().default(1), priors }),
  create: (o) => new MultinomialNB({ alpha: o.alpha, ...(o.priors ? { priors: o.priors } : {}) }),
});

export const categoricalNbModel = defineModel({
  name: 'categorical-nb',
  description: 'categorical naive Bayes (integer category codes; missing values skipped per feature)',
  supervised: true,
  schema: strict({ alpha: z.number().positive().default(1), min_categories: z.number().int().nonnegative().default(0), priors }),
  create: (o) => new CategoricalNB({ alpha: o.alpha, minCategories: o.min_categories, ...(o.priors ? { priors: o.priors } : {}) }),
});

export const qdaModel = defineModel({
  name: 'qda',
  description: 'quadratic discriminant analysis: a Gaussian per class with its own covariance',
  supervised: true,
  schema: strict({ reg_param: z.number().min(0).max(1).default(0).describe('shrinks each covariance towards the identity'), tol: z.number().positive().default(1e-4), priors }),
  create: (o) => new QDA({ regParam: o.reg_param, tol: o.tol, ...(o.priors ? { priors: o.priors } : {}) }),
});

export const ldaModel = defineModel({
  name: 'lda',
  description: 'linear discriminant analysis: Gaussians per class with a shared covariance',
  supervised: true,
  schema: strict({
    shrinkage: z.union([z.number().min(0).max(1), z.literal('auto')]).default(0).describe("shrinkage towards a scaled identity; 'auto' = Ledoit-Wolf"),
    tol: z.number().positive().default(1e-4),
    priors,
  }),
  create: (o) => new LDA({ shrinkage: o.shrinkage, tol: o.tol, ...(o.priors ? { priors: o.priors } : {}) }),
});

const densitySpec = z.discriminatedUnion('kind', [
  strict({
    kind: z.literal('gmm'),
    n_components: z.number().int().positive().default(4),
    covariance_type: z.enum(['full', 'diag', 'spherical', 'tied']).default('full'),
    reg_covar: z.number().nonnegative().default(1e-6),
    n_init: z.number().int().positive().default(1),
    tol: z.number().nonnegative().default(1e-3),
    max_iter: z.number().int().positive().default(100),
  }),
  strict({ kind: z.literal('gaussian'), reg_covar: z.number().nonnegative().default(0) }),
]);

export const generativeModel = defineModel({
  name: 'generative',
  description: "a density per class (a Gaussian mixture by default) and priors; posterior by Bayes' rule, log-likelihood ratio as the score",
  supervised: true,
  // the class densities' options live under `density:`
  configKeys: { nComponents: 'density.n_components', covarianceType: 'density.covariance_type', regCovar: 'density.reg_covar', nInit: 'density.n_init', tol: 'density.tol', maxIter: 'density.max_iter' },
  schema: strict({
    density: densitySpec.default({ kind: 'gmm', n_components: 4, covariance_type: 'full', reg_covar: 1e-6, n_init: 1, tol: 1e-3, max_iter: 100 }),
    priors,
  }),
  create: (o, seed) => {
    const d = o.density;
    const density =
      d.kind === 'gmm'
        ? { kind: 'gmm' as const, nComponents: d.n_components, covarianceType: d.covariance_type, regCovar: d.reg_covar, nInit: d.n_init, tol: d.tol, maxIter: d.max_iter, seed }
        : { kind: 'gaussian' as const, regCovar: d.reg_covar };
    return new GenerativeClassifier({ density, ...(o.priors ? { priors: o.priors } : {}) });
  },
});
