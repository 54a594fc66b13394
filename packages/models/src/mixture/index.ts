export { GaussianMixture } from './gmm.js';
export type { GaussianMixtureOptions, GaussianMixtureSample, RegularisedCovariance } from './gmm.js';
export type { CovarianceType } from './gmm-params.js';
export { KMeans } from './kmeans.js';
export type { KMeansOptions } from './kmeans.js';
export { MultinomialMixture } from './multinomial.js';
export type { MultinomialMixtureOptions } from './multinomial.js';
export { LatentClassModel } from './latent-class.js';
export type { LatentClassModelOptions } from './latent-class.js';
