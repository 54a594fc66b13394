import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiscernError, type NamedPath, assertNotInput, ioError } from '@discern/core';
import { type RegisterCommand, display, globals } from '../cli-common.js';
import { checkInputFile, checkOutputFile } from '../paths.js';

/** The option of `discern export` that each option of onnx's exporter is given by, for its messages. */
const OPTION_NAMES: Record<string, string> = { out: '--out', dtype: '--dtype', sample: '--data' };

export const registerExport: RegisterCommand = (ctx) => {
  ctx.program
    .command('export')
    .description('export a model saved by discern run (models/<name>.json) to ONNX, parity-checked')
    .argument('<model.json>', 'a fitted model saved by a run')
    .requiredOption('-o, --out <file.onnx>', 'the ONNX file to write')
    .option('--dtype <float32|float64>', 'input and arithmetic type', 'float32')
    .option('-d, --data <file.csv>', "rows for the parity check (default: rows drawn from the model file's summary of its training data)")
    .action(async (file: string, opts: { out: string; dtype: string; data?: string }) => {
      // Every argument is checked before the model is read: the options, the files, and that --out is no input.
      if (opts.dtype !== 'float32' && opts.dtype !== 'float64')
        throw new DiscernError('INVALID_ARGUMENT', `--dtype must be float32 or float64, got ${JSON.stringify(opts.dtype)}`, { option: '--dtype', value: opts.dtype });
      checkInputFile(file, 'the model file');
      if (opts.data !== undefined) checkInputFile(opts.data, '--data');
      checkOutputFile(opts.out, '--out');
      const inputs: NamedPath[] = [{ path: resolve(file), what: 'the model file' }, ...(opts.data !== undefined ? [{ path: resolve(opts.data), what: '--data' }] : [])];
      assertNotInput({ path: resolve(opts.out), what: '--out', kind: 'file' }, inputs);

      const [{ parseSavedModel }, { exportModelFile }] = await Promise.all([import('@discern/models'), import('@discern/onnx')]);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw ioError(e, file, 'read');
      }
      // One check of the whole file (format, version, names, shapes, numbers), by the models package that wrote it.
      const { saved, estimator } = parseSavedModel(text, file);
      let rows: { sample: Awaited<ReturnType<typeof sampleOf>> } | { training: NonNullable<typeof saved.training> };
      if (opts.data !== undefined) rows = { sample: await sampleOf(opts.data, saved.features) };
      else if (saved.training) rows = { training: saved.training };
      else
        throw new DiscernError(
          'INVALID_ARGUMENT',
          `${display(file)} holds no summary of its training data (a model saved before discern recorded one) to draw parity rows from: give --data with rows of the features ${saved.features.join(', ')}, or run its config again`,
          { file },
        );
      let result: Awaited<ReturnType<typeof exportModelFile>>;
      try {
        result = await exportModelFile(
          opts.out,
          {
            estimator: estimator as never,
            kind: saved.model,
            featureNames: saved.features,
            ...(saved.classes.length > 0 ? { classNames: saved.classes } : {}),
            ...(saved.positive !== null ? { positive: saved.positive } : {}),
            ...(saved.standardizer ? { standardizer: saved.standardizer } : {}),
            ...(saved.decision ? { decision: saved.decision as never } : {}),
            ...(saved.calibration ? { calibration: saved.calibration } : {}),
            dtype: opts.dtype,
            ...rows,
          },
          { what: '--out', option: 'out', inputs },
        );
      } catch (e) {
        // The exporter names its options by their API names (`out`); the user typed `--out`.
        throw e instanceof DiscernError ? e.renamed({ option: (name) => OPTION_NAMES[name] ?? name }) : e;
      }
      // notes say what parity cannot (float32 trees after a standardisation), on stderr even with --quiet
      for (const note of result.notes) ctx.output.err(`note: ${note}`);
      if (globals(ctx).quiet) return;
      const worst = Math.max(0, ...result.parity.outputs.map((o) => o.maxDiff));
      const from = opts.data !== undefined ? display(opts.data) : 'its training summary';
      ctx.output.out(
        `wrote ${display(opts.out)}: ${saved.model} (${opts.dtype}), outputs ${result.outputs.join(', ')}; parity on ${result.parity.rows} rows (${from}), max |Δ| ${worst.toExponential(2)}`,
      );
    });
};

/** The rows of a data file, in the model's feature columns, for the parity check. */
async function sampleOf(data: string, features: readonly string[]) {
  const { buildDataset, readCsvFile } = await import('@discern/data');
  return buildDataset(readCsvFile(data), { features: [...features] }).X;
}
