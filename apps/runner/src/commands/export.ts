import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiscernError, assertNotInput } from '@discern/core';
import { type RegisterCommand, display, globals } from '../cli-common.js';
import { checkInputFile, checkOutputFile } from '../paths.js';

interface SavedModel {
  format: string;
  model: string;
  features: string[];
  classes: string[];
  positive: number | null;
  standardizer: unknown;
  decision: unknown;
  estimator: unknown;
}

function readSaved(path: string): SavedModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new DiscernError('FILE_NOT_FOUND', `model file not found: ${path}`, { file: path });
    throw new DiscernError('IO_ERROR', `cannot read ${path}: ${(e as Error).message}`, { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DiscernError('DATA_INVALID', `${path} is not JSON (${(e as Error).message}); expected a model saved by discern run (runs/<name>/models/<model>.json)`, { file: path });
  }
  const j = json as Partial<SavedModel>;
  if (j.format !== 'discern-model' || typeof j.model !== 'string' || !Array.isArray(j.features) || j.estimator === undefined)
    throw new DiscernError('DATA_INVALID', `${path} is not a discern model file: expected format "discern-model" with model, features and estimator (as written by discern run in models/<name>.json)`, { file: path });
  return j as SavedModel;
}

export const registerExport: RegisterCommand = (ctx) => {
  ctx.program
    .command('export')
    .description('export a model saved by discern run (models/<name>.json) to ONNX, parity-checked')
    .argument('<model.json>', 'a fitted model saved by a run')
    .requiredOption('-o, --out <file.onnx>', 'the ONNX file to write')
    .option('--dtype <float32|float64>', 'input and arithmetic type', 'float32')
    .option('-d, --data <file.csv>', 'rows for the parity check (default: 2,000 rows drawn around the saved standardisation)')
    .action(async (file: string, opts: { out: string; dtype: string; data?: string }) => {
      // Every argument is checked before the model is read: the options, the files, and that --out is no input.
      if (opts.dtype !== 'float32' && opts.dtype !== 'float64')
        throw new DiscernError('INVALID_ARGUMENT', `--dtype must be float32 or float64, got ${JSON.stringify(opts.dtype)}`, { option: '--dtype', value: opts.dtype });
      checkInputFile(file, 'the model file');
      if (opts.data !== undefined) checkInputFile(opts.data, '--data');
      checkOutputFile(opts.out, '--out');
      assertNotInput({ path: resolve(opts.out), what: '--out', kind: 'file' }, [
        { path: resolve(file), what: 'the model file' },
        ...(opts.data !== undefined ? [{ path: resolve(opts.data), what: '--data' }] : []),
      ]);
      const [{ Standardizer, buildDataset, readCsvFile }, { createRng, zeros }, { exportModelFile }, { estimatorFromJSON }] = await Promise.all([
        import('@discern/data'),
        import('@discern/linalg'),
        import('@discern/onnx'),
        import('@discern/pipeline'),
      ]);
      const saved = readSaved(file);
      const estimator = estimatorFromJSON(saved.model, saved.estimator);
      const standardizer = saved.standardizer ? Standardizer.fromJSON(saved.standardizer as never) : undefined;
      let sample;
      if (opts.data) {
        sample = buildDataset(readCsvFile(opts.data), { features: saved.features }).X;
      } else if (standardizer) {
        // No data given: parity rows drawn from N(mean, scale²) per feature — the region the model was fitted on.
        const rng = createRng(0);
        const p = saved.features.length;
        sample = zeros(2000, p);
        for (let i = 0; i < 2000; i++) for (let j = 0; j < p; j++) sample.data[i * p + j] = standardizer.mean[j]! + standardizer.scale[j]! * rng.normal();
      } else {
        throw new DiscernError('INVALID_ARGUMENT', `${file} has no standardisation to draw parity rows from: give --data with rows of the features ${saved.features.join(', ')}`, { file });
      }
      const result = await exportModelFile(opts.out, {
        estimator: estimator as never,
        kind: estimator.kind,
        featureNames: saved.features,
        ...(saved.classes.length > 0 ? { classNames: saved.classes } : {}),
        ...(saved.positive !== null ? { positive: saved.positive } : {}),
        ...(standardizer ? { standardizer: { mean: standardizer.mean, scale: standardizer.scale } } : {}),
        ...(saved.decision ? { decision: saved.decision as never } : {}),
        dtype: opts.dtype,
        sample,
      });
      if (globals(ctx).quiet) return;
      const worst = Math.max(0, ...result.parity.outputs.map((o) => o.maxDiff));
      ctx.output.out(`wrote ${display(opts.out)}: ${saved.model} (${opts.dtype}), outputs ${result.outputs.join(', ')}; parity on ${result.parity.rows} rows, max |Δ| ${worst.toExponential(2)}`);
    });
};
