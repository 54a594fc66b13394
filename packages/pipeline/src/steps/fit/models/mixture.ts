import { GaussianMixture, KMeans, LatentClassModel, MultinomialMixture } from '@discern/models';
import { z } from 'zod';
import { strict } from '../../../config/zod-helpers.js';
import { defineModel } from './spec.js';

const means = z.array(z.array(z.number()).min(1)).min(1);
const common = {
  n_init: z.number().int().positive().default(1).describe('restarts; the best fit is kept'),
  tol: z.number().nonnegative().default(1e-3).describe('stop when the mean log-likelihood changes by less'),
  max_iter: z.number().int().positive().default(100),
};

export const gmmModel = defineModel({
  name: 'gmm',
  description: 'Gaussian mixture fitted by EM (covariance full, diag, spherical or tied)',
  supervised: false,
  schema: strict({
    n_components: z.number().int().positive().default(1),
    covariance_type: z.enum(['full', 'diag', 'spherical', 'tied']).default('full'),
    init: z.union([z.enum(['kmeans', 'kmeans++', 'random']), strict({ means })]).default('kmeans'),
    reg_covar: z.number().nonnegative().default(1e-6).describe('added to the covariance diagonals'),
    ...common,
  }),
  create: (o, seed) =>
    new GaussianMixture({ nComponents: o.n_components, covarianceType: o.covariance_type, init: o.init, regCovar: o.reg_covar, nInit: o.n_init, tol: o.tol, maxIter: o.max_iter, seed }),
});

export const kmeansModel = defineModel({
  name: 'kmeans',
  description: 'k-means clustering (Lloyd iterations from k-means++ seeds), the hard-assignment limit of EM',
  supervised: false,
  schema: strict({
    n_clusters: z.number().int().positive().default(8),
    init: z.union([z.enum(['kmeans++', 'random']), strict({ centers: means })]).default('kmeans++'),
    n_init: z.number().int().positive().default(10),
    max_iter: z.number().int().positive().default(300),
    tol: z.number().nonnegative().default(1e-4),
  }),
  create: (o, seed) => new KMeans({ nClusters: o.n_clusters, init: o.init, nInit: o.n_init, maxIter: o.max_iter, tol: o.tol, seed }),
});

export const multinomialMixtureModel = defineModel({
  name: 'multinomial-mixture',
  description: 'mixture of multinomials for count vectors, fitted by EM with Laplace smoothing; missing cells marginalised',
  supervised: false,
  schema: strict({
    n_components: z.number().int().positive().default(2),
    alpha: z.number().nonnegative().default(1).describe('Dirichlet (Laplace) smoothing'),
    n_init: z.number().int().positive().default(5),
    tol: z.number().nonnegative().default(1e-6),
    max_iter: z.number().int().positive().default(200),
  }),
  create: (o, seed) => new MultinomialMixture({ nComponents: o.n_components, alpha: o.alpha, nInit: o.n_init, tol: o.tol, maxIter: o.max_iter, seed }),
});

export const latentClassModel = defineModel({
  name: 'latent-class',
  description: 'latent-class mixture for categorical features (integer codes, missing marginalised), fitted by EM',
  supervised: false,
  schema: strict({
    n_components: z.number().int().positive().default(2),
    alpha: z.number().nonnegative().default(1).describe('Laplace smoothing'),
    n_init: z.number().int().positive().default(5),
    tol: z.number().nonnegative().default(1e-6),
    max_iter: z.number().int().positive().default(200),
  }),
  create: (o, seed) => new LatentClassModel({ nComponents: o.n_components, alpha: o.alpha, nInit: o.n_init, tol: o.tol, maxIter: o.max_iter, seed }),
});
