import { DiscernError } from '@discern/core';
import { type DensityModel } from '../estimator.js';
import { type ModelSource } from '../model-json.js';
import { GaussianMixture } from '../mixture/index.js';
import { GaussianDensity } from './gaussian-density.js';

/** One multivariate normal per class (ML covariance + regCovar·I). */
export interface GaussianDensitySpec {
  readonly kind: 'gaussian';
  readonly regCovar?: number;
}

/** A Gaussian mixture per class; unset fields take GaussianMixture's own defaults. */
export interface GmmDensitySpec {
  readonly kind: 'gmm';
  readonly nComponents?: number;
  readonly covarianceType?: 'full' | 'diag' | 'spherical' | 'tied';
  readonly init?: 'kmeans' | 'kmeans++' | 'random';
  readonly nInit?: number;
  readonly regCovar?: number;
  readonly tol?: number;
  readonly maxIter?: number;
  readonly seed?: number;
}

/** A serialisable description of the class densities of a GenerativeClassifier. */
export type DensitySpec = GaussianDensitySpec | GmmDensitySpec;

/** A 4-component full-covariance Gaussian mixture per class (EM options: GaussianMixture's defaults). */
export const DEFAULT_DENSITY: DensitySpec = Object.freeze({ kind: 'gmm', nComponents: 4, covarianceType: 'full' });

const SPEC_KEYS: Record<DensitySpec['kind'], readonly string[]> = {
  gaussian: ['kind', 'regCovar'],
  gmm: ['kind', 'nComponents', 'covarianceType', 'init', 'nInit', 'regCovar', 'tol', 'maxIter', 'seed'],
};

/** Checks a spec's kind and keys (a typo such as `ncomponents` must not be silently ignored). */
export function checkDensitySpec(spec: unknown, owner: string): DensitySpec {
  const kinds = Object.keys(SPEC_KEYS);
  if (typeof spec !== 'object' || spec === null || !kinds.includes((spec as { kind?: unknown }).kind as string))
    throw new DiscernError('INVALID_ARGUMENT', (n) => `${owner}: ${n.option('density')} ${JSON.stringify(spec)} has no known kind; expected one of ${kinds.map((k) => `'${k}'`).join(', ')}, or a factory function`, { estimator: owner, option: 'density' });
  const s = spec as DensitySpec;
  const allowed = SPEC_KEYS[s.kind];
  for (const key of Object.keys(s))
    if (!allowed.includes(key))
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${owner}: unknown key '${key}' in the '${s.kind}' ${n.option('density')} spec; accepted: ${allowed.join(', ')}`, { estimator: owner, key, option: 'density' });
  return s;
}

/** A fresh, unfitted density for one class. */
export function densityFromSpec(spec: DensitySpec): DensityModel {
  if (spec.kind === 'gaussian') return new GaussianDensity(spec.regCovar === undefined ? {} : { regCovar: spec.regCovar });
  // every class gets the same options (seed included): the fit is reproducible and independent of class order
  const { kind: _kind, ...options } = spec;
  return new GaussianMixture(options);
}

/** Rebuilds a fitted density from its JSON by kind (checked, MODEL_INVALID at `source.path`); undefined for kinds this module does not know. */
export function knownDensityFromJSON(json: unknown, source?: ModelSource): DensityModel | undefined {
  const kind = typeof json === 'object' && json !== null ? (json as { kind?: unknown }).kind : undefined;
  if (kind === 'gaussian') return GaussianDensity.fromJSON(json, source);
  if (kind === 'gmm') return GaussianMixture.fromJSON(json, source);
  return undefined;
}
