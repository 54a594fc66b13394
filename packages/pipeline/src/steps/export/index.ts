import { dirname } from 'node:path';
import { mkdirSync } from 'node:fs';
import { exportModelFile } from '@discern/onnx';
import { z } from 'zod';
import { type RunContext } from '../../context.js';
import { defineStep } from '../../step.js';
import { strict } from '../../config/zod-helpers.js';

const fileName = z.string().regex(/^[\w.-]+(\/[\w.-]+)*\.onnx$/, 'a relative file name ending in .onnx, e.g. model.onnx');

/** Raw (unstandardised) rows of a dataset: the exported graph takes raw features and standardises inside. */
function rawRows(ctx: RunContext, model: string, dataset: string) {
  const fitted = ctx.fittedModel(model);
  const X = ctx.dataset(dataset).whole().X;
  return fitted.standardizer ? fitted.standardizer.inverseTransform(X) : X;
}

/**
 * Exports a fitted model to ONNX, with its standardisation and its decision rule (from `decide`) inside the graph.
 * The export is checked for parity against the TypeScript model on the `parity` dataset before it is written.
 */
export const exportStep = defineStep({
  name: 'export',
  description: 'export a fitted model (with standardisation and decision rule) to ONNX, parity-checked against the TypeScript model',
  params: strict({
    model: z.string().default('model'),
    onnx: fileName.default('model.onnx').describe('file in the run folder'),
    dtype: z.enum(['float32', 'float64']).default('float32').describe('input and arithmetic type of the graph'),
    parity: z.string().default('train').describe('dataset whose rows the parity check runs on'),
  }),
  plan: (p, at) => ({
    needs: { models: [{ name: p.model, path: `${at.path}.model` }], datasets: [{ name: p.parity, path: `${at.path}.parity` }] },
    makes: { files: [{ name: p.onnx, path: `${at.path}.onnx` }] },
  }),
  async run(ctx, p) {
    const fitted = ctx.fittedModel(p.model);
    const path = ctx.artifacts.resolve(p.onnx);
    mkdirSync(dirname(path), { recursive: true });
    const result = await exportModelFile(path, {
      estimator: fitted.estimator as never,
      kind: fitted.estimator.kind,
      featureNames: fitted.featureNames,
      ...(fitted.classNames.length > 0 ? { classNames: fitted.classNames } : {}),
      ...(fitted.positive !== undefined ? { positive: fitted.positive } : {}),
      ...(fitted.standardizer ? { standardizer: { mean: fitted.standardizer.mean, scale: fitted.standardizer.scale } } : {}),
      ...(fitted.decision ? { decision: fitted.decision as never } : {}),
      ...(fitted.calibration ? { calibration: fitted.calibration } : {}),
      dtype: p.dtype,
      sample: rawRows(ctx, p.model, p.parity),
    });
    ctx.artifacts.adopt(p.onnx);
    const worst = Math.max(0, ...result.parity.outputs.map((o) => o.maxDiff));
    const line = `export ${p.model}: ${p.onnx} (${p.dtype}, outputs ${result.outputs.join(', ')}; parity on ${result.parity.rows} ${p.parity} rows, max |Δ| ${worst.toExponential(2)})`;
    ctx.say(line);
    for (const note of result.notes) ctx.say(`note: export ${p.model}: ${note}`);
  },
});
