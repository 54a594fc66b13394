import { type FitReport } from '../estimator.js';
import { ModelReader, type ModelSource } from '../model-json.js';
import { type LayerInit, type MLPOptions, resolveOptions } from './options.js';

/*
 * The JSON form of a fitted MLPClassifier (version 1):
 *   { kind: 'mlp', version: 1, nFeatures, nClasses, options: {resolved options},
 *     layers: [{ inputs, outputs, activation, weights: number[] (inputs×outputs row-major), biases: number[] }],
 *     fitReport: {...} | null }
 * Numbers are written by JSON.stringify, whose shortest round-trip form restores every double exactly.
 */

export interface ParsedMLP {
  readonly sizes: number[];
  readonly nClasses: number;
  readonly options: MLPOptions;
  readonly layers: LayerInit[];
  readonly fitReport: FitReport | undefined;
}

/** Reads and checks a saved MLPClassifier: MODEL_INVALID naming the field (`estimator.layers[1].weights[7]`). */
export function parseMLPJSON(json: unknown, source?: ModelSource): ParsedMLP {
  const r = ModelReader.of(json, source).kind('mlp').version();
  const nFeatures = r.get('nFeatures').int(1);
  const nClasses = r.get('nClasses').int(2);
  const or = r.get('options');
  const options = or.object() as MLPOptions;
  // the constructor's own checks, once, here: an option it refuses is MODEL_INVALID at estimator.options.<option>
  const resolved = or.construct(() => resolveOptions(options));
  const sizes = [nFeatures, ...resolved.hiddenLayers, nClasses === 2 ? 1 : nClasses];
  const layers = r.get('layers').items(sizes.length - 1);
  const parsed: LayerInit[] = layers.map((layer, l) => {
    const p = sizes[l]!;
    const q = sizes[l + 1]!;
    layer.get('inputs').int(p, p);
    layer.get('outputs').int(q, q);
    const act = l < layers.length - 1 ? resolved.activation : q === 1 ? 'sigmoid' : 'softmax';
    layer.get('activation').string([act]);
    return { weights: layer.get('weights').numbers([p * q]), biases: layer.get('biases').numbers([q]) };
  });
  let fitReport: FitReport | undefined;
  const fr = r.get('fitReport');
  if (fr.value !== null && fr.value !== undefined) fitReport = Object.freeze(structuredClone(readFitReport(fr))) as FitReport;
  return { sizes, nClasses, options, layers: parsed, fitReport };
}

/** A saved fit report: iterations, converged, reason, history (numbers; JSON writes a non-finite one as null), historyLabel. */
export function readFitReport(r: ModelReader): FitReport {
  const o = r.object();
  r.get('iterations').int(0);
  r.get('converged').boolean();
  r.get('reason').string();
  r.get('historyLabel').string();
  r.get('history')
    .items()
    .forEach((h) => {
      if (h.value !== null && typeof h.value !== 'number') h.fail('a number (or null)');
    });
  if (o.details !== undefined) r.get('details').object();
  return o as unknown as FitReport;
}
