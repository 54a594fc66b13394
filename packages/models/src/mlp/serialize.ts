import { DiscernError } from '@discern/core';
import { type FitReport } from '../estimator.js';
import { type LayerInit, type MLPOptions } from './options.js';

/*
 * The JSON form of a fitted MLPClassifier (version 1):
 *   { kind: 'mlp', version: 1, nFeatures, nClasses, options: {resolved options},
 *     layers: [{ inputs, outputs, activation, weights: number[] (inputs×outputs row-major), biases: number[] }],
 *     fitReport: {...} | null }
 * Numbers are written by JSON.stringify, whose shortest round-trip form restores every double exactly.
 */

function invalid(path: string, message: string, value?: unknown): DiscernError {
  return new DiscernError('INVALID_ARGUMENT', `MLPClassifier.fromJSON: ${path} ${message}`, { estimator: 'MLPClassifier', path, value });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function posInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalid(path, `must be a positive integer, got ${JSON.stringify(v)}`, v);
  return v;
}

function numbers(v: unknown, length: number, path: string): number[] {
  if (!Array.isArray(v)) throw invalid(path, `must be an array of ${length} numbers`, typeof v);
  if (v.length !== length) throw invalid(path, `has ${v.length} values, expected ${length}`);
  for (let i = 0; i < v.length; i++)
    if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) throw invalid(`${path}[${i}]`, `must be a finite number, got ${JSON.stringify(v[i])}`, v[i]);
  return v as number[];
}

export interface ParsedMLP {
  readonly sizes: number[];
  readonly nClasses: number;
  readonly options: MLPOptions;
  readonly layers: LayerInit[];
  readonly fitReport: FitReport | undefined;
}

export function parseMLPJSON(json: unknown): ParsedMLP {
  if (!isRecord(json)) throw invalid('the model', 'must be an object (the output of toJSON())', json === null ? 'null' : typeof json);
  if (json.kind !== 'mlp') throw invalid('kind', `must be 'mlp', got ${JSON.stringify(json.kind)}`, json.kind);
  if (json.version !== 1) throw invalid('version', `must be 1, got ${JSON.stringify(json.version)}`, json.version);
  const nFeatures = posInt(json.nFeatures, 'nFeatures');
  const nClasses = posInt(json.nClasses, 'nClasses');
  if (nClasses < 2) throw invalid('nClasses', `must be at least 2, got ${nClasses}`, nClasses);
  if (!isRecord(json.options)) throw invalid('options', 'must be an object');
  const options = json.options as MLPOptions;
  const hidden = options.hiddenLayers;
  if (!Array.isArray(hidden)) throw invalid('options.hiddenLayers', 'must be an array of positive integers');
  const sizes = [nFeatures, ...hidden.map((h, i) => posInt(h, `options.hiddenLayers[${i}]`)), nClasses === 2 ? 1 : nClasses];
  const layers = json.layers;
  if (!Array.isArray(layers) || layers.length !== sizes.length - 1)
    throw invalid('layers', `must be an array of ${sizes.length - 1} layers for the network [${sizes.join(', ')}], got ${Array.isArray(layers) ? layers.length : typeof layers}`);
  const parsed: LayerInit[] = [];
  for (let l = 0; l < layers.length; l++) {
    const layer: unknown = layers[l];
    const path = `layers[${l}]`;
    if (!isRecord(layer)) throw invalid(path, 'must be an object');
    const p = sizes[l]!;
    const q = sizes[l + 1]!;
    if (layer.inputs !== p || layer.outputs !== q) throw invalid(path, `must be ${p} inputs × ${q} outputs, got ${JSON.stringify(layer.inputs)} × ${JSON.stringify(layer.outputs)}`);
    const act = l < layers.length - 1 ? options.activation : q === 1 ? 'sigmoid' : 'softmax';
    if (layer.activation !== act) throw invalid(`${path}.activation`, `must be ${JSON.stringify(act)}, got ${JSON.stringify(layer.activation)}`, layer.activation);
    parsed.push({ weights: numbers(layer.weights, p * q, `${path}.weights`), biases: numbers(layer.biases, q, `${path}.biases`) });
  }
  let fitReport: FitReport | undefined;
  const r = json.fitReport;
  if (r !== null && r !== undefined) {
    if (!isRecord(r) || typeof r.iterations !== 'number' || typeof r.converged !== 'boolean' || typeof r.reason !== 'string' || !Array.isArray(r.history) || typeof r.historyLabel !== 'string')
      throw invalid('fitReport', 'must be null or an object with iterations, converged, reason, history and historyLabel');
    fitReport = Object.freeze(structuredClone(r)) as unknown as FitReport;
  }
  return { sizes, nClasses, options, layers: parsed, fitReport };
}
