import { resolve } from 'node:path';
import { DiscernError, assertNotInput } from '@discern/core';
import { type RegisterCommand, collect, display, globals, threadsOf } from '../cli-common.js';
import { checkInputFile, checkOutputFile } from '../paths.js';

/** The option of `discern score` that each option of onnx's scoreFile is given by, for its messages. */
const OPTION_NAMES: Record<string, string> = {
  model: '--model',
  data: '--data',
  format: '--format',
  tree: '--tree',
  features: '--features',
  label: '--label',
  positive: '--positive',
  classes: '--classes',
  out: '--out',
  device: '--device',
  batch: '--batch',
  inputMap: '--input',
  fprs: '--fpr',
  define: '--define',
  cut: '--cut',
  cutMissing: '--drop-undecided',
};

/** Rows per batch at most: a batch is held whole (rows × features, and the outputs), so a typo must not ask for GBs. */
const MAX_BATCH = 1 << 20;

function invalid(option: string, message: string, value: unknown): DiscernError {
  return new DiscernError('INVALID_ARGUMENT', `${option} ${message}`, { option, value });
}

/** `a,b,c` → its items, each non-empty and none twice. */
function list(option: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw invalid(option, `expects a comma-separated list of names without empty items, got ${JSON.stringify(value)}`, value);
  const twice = items.find((s, i) => items.indexOf(s) !== i);
  if (twice !== undefined) throw invalid(option, `names ${JSON.stringify(twice)} twice`, value);
  return items;
}

/** `--input name=a,b,c` → { name: [a, b, c] }, for models with several inputs. */
function inputMap(specs: readonly string[]): Record<string, string[]> | undefined {
  if (specs.length === 0) return undefined;
  const map: Record<string, string[]> = {};
  for (const s of specs) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw invalid('--input', `expects name=col1,col2,..., got ${JSON.stringify(s)}`, s);
    const name = s.slice(0, eq);
    if (Object.hasOwn(map, name)) throw invalid('--input', `gives the input ${JSON.stringify(name)} twice`, s);
    map[name] = list('--input', s.slice(eq + 1));
  }
  return map;
}

/** The name of a derived column, as data.define takes it: letters, digits, "_" and "." (a letter or "_" first). */
const DEFINE_NAME = /^[A-Za-z_][\w.]*$/;

/** `--define NAME=EXPRESSION` (repeatable) → the derived columns, in the order given. */
function defines(specs: readonly string[]): { name: string; expression: string; what: string }[] | undefined {
  if (specs.length === 0) return undefined;
  const out: { name: string; expression: string; what: string }[] = [];
  for (const s of specs) {
    const eq = s.indexOf('=');
    const name = eq > 0 ? s.slice(0, eq).trim() : '';
    if (!DEFINE_NAME.test(name) || s.slice(eq + 1).trim() === '')
      throw invalid('--define', `expects NAME=EXPRESSION (a name of letters, digits, "_" and ".", e.g. M="sqrt(E^2 - p^2)"), got ${JSON.stringify(s)}`, s);
    if (out.some((d) => d.name === name)) throw invalid('--define', `defines ${JSON.stringify(name)} twice`, s);
    out.push({ name, expression: s.slice(eq + 1), what: `--define ${name}` });
  }
  return out;
}

/** `--batch` as typed → a whole number of rows from 1 to MAX_BATCH. */
function parseBatch(v: string): number {
  const n = /^\s*[0-9]+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_BATCH) throw invalid('--batch', `must be a whole number of rows from 1 to ${MAX_BATCH}, got ${JSON.stringify(v)}`, v);
  return n;
}

/** `--fpr 0.01,0.1` → the FPRs as typed (they key the TPRs in the result), each a number in (0, 1). */
function parseFprs(v: string): string[] {
  const items = list('--fpr', v);
  for (const s of items) {
    const x = /^[0-9.eE+-]+$/.test(s) ? Number(s) : NaN;
    if (!(x > 0 && x < 1)) throw invalid('--fpr', `expects false positive rates between 0 and 1 (exclusive), e.g. 0.01,0.1; got ${JSON.stringify(s)}`, v);
  }
  return items;
}

export const registerScore: RegisterCommand = (ctx) => {
  const { output } = ctx;
  ctx.program
    .command('score')
    .description('score data files (CSV, Parquet, ROOT) with any ONNX model (made by discern or another tool) through onnxruntime, on CPU or GPU')
    .requiredOption('-m, --model <file.onnx>', 'the ONNX model')
    .option('-d, --data <file.csv>', 'a file to score: CSV with a header row (.csv.gz too), Parquet or ROOT (repeatable: several files with the same columns, scored in order into one output)', collect, [])
    .option('--format <csv|parquet|root>', 'the format of the data files when their extension says nothing')
    .option('--tree <name>', 'ROOT: the tree to read (default: the only tree of the file)')
    .option('--features <a,b,...>', "input columns when the model's metadata does not name them (default: every numeric column but --label)")
    .option('--label <column>', 'column of true classes: print the metrics of the scores')
    .option('--positive <class>', "with --label, two classes: the label value of the signal class (the model's class 1), for a model that names no classes")
    .option('--classes <a,b,...>', "the label values of the model's classes in the order of its outputs, for a model that names none (e.g. h,g)")
    .option('-o, --out <scores.csv>', 'write one column per model output: Parquet when the name ends in .parquet or .pq, else CSV')
    .option('--device <cpu|gpu|auto>', 'cpu (default), gpu (CUDA, then WebGPU), or auto (a GPU when one works)', 'cpu')
    .option('--batch <n>', `rows per batch (bounded memory; at most ${MAX_BATCH})`, parseBatch, 65536)
    .option('--input <name=cols>', 'columns for one named model input (repeatable), for models with several inputs', collect, [])
    .option('--fpr <list>', 'FPRs at which to report the TPR, e.g. 0.01,0.1 (needs --label)')
    .option('--define <name=expr>', "a derived column, as a config's data.define (repeatable, in order; the model's inputs and --label may name it)", collect, [])
    .option('--cut <expr>', "a preselection, as a config's data.cut: only the rows where it holds are scored, written and evaluated")
    .option('--drop-undecided', 'with --cut: drop the rows whose cut reads a missing value (default: an error naming the row)')
    .option('--json', 'print the result as JSON')
    .action(
      async (opts: {
        model: string;
        data: string[];
        format?: string;
        tree?: string;
        features?: string;
        label?: string;
        positive?: string;
        classes?: string;
        out?: string;
        device: string;
        batch: number;
        input: string[];
        fpr?: string;
        define: string[];
        cut?: string;
        dropUndecided?: boolean;
        json?: boolean;
      }) => {
        // Every option is checked before a row is read (and before onnxruntime is loaded).
        if (opts.data.length === 0) throw new DiscernError('USAGE', "required option '-d, --data <file.csv>' not specified", { option: '--data' });
        if (opts.format !== undefined && !['csv', 'parquet', 'root'].includes(opts.format))
          throw invalid('--format', `must be csv, parquet or root, got ${JSON.stringify(opts.format)}`, opts.format);
        if (!['cpu', 'gpu', 'auto'].includes(opts.device)) throw invalid('--device', `must be cpu, gpu or auto, got ${JSON.stringify(opts.device)}`, opts.device);
        const features = opts.features !== undefined ? list('--features', opts.features) : undefined;
        const classes = opts.classes !== undefined ? list('--classes', opts.classes) : undefined;
        const fprs = opts.fpr !== undefined ? parseFprs(opts.fpr) : undefined;
        const map = inputMap(opts.input);
        const define = defines(opts.define);
        if (opts.cut !== undefined && opts.cut.trim() === '') throw invalid('--cut', 'must be an expression, got ""', opts.cut);
        if (opts.dropUndecided && opts.cut === undefined) throw invalid('--drop-undecided', 'needs --cut (the rows it drops are those the cut cannot decide)', true);
        if (opts.label === undefined)
          for (const [given, option] of [[opts.positive, '--positive'], [opts.fpr, '--fpr']] as const)
            if (given !== undefined) throw invalid(option, 'needs --label (the column of true classes the metrics compare with)', given);
        if (opts.label !== undefined && opts.label.trim() === '') throw invalid('--label', 'must name a column, got ""', opts.label);
        if (opts.positive !== undefined && classes && !classes.includes(opts.positive))
          throw invalid('--positive', `${JSON.stringify(opts.positive)} is not one of --classes ${classes.join(',')}`, opts.positive);
        checkInputFile(opts.model, '--model');
        for (const d of opts.data) checkInputFile(d, '--data');
        if (opts.out !== undefined) {
          checkOutputFile(opts.out, '--out');
          assertNotInput({ path: resolve(opts.out), what: '--out', kind: 'file' }, [
            ...opts.data.map((d) => ({ path: resolve(d), what: '--data' })),
            { path: resolve(opts.model), what: '--model' },
          ]);
        }

        const { scoreFile } = await import('@discern/onnx');
        let result: Awaited<ReturnType<typeof scoreFile>>;
        try {
          result = await scoreFile({
            model: opts.model,
            data: opts.data.length === 1 ? opts.data[0]! : opts.data,
            ...(opts.format !== undefined ? { format: opts.format as 'csv' | 'parquet' | 'root' } : {}),
            ...(opts.tree !== undefined ? { tree: opts.tree } : {}),
            ...(features ? { features } : {}),
            ...(opts.label !== undefined ? { label: opts.label } : {}),
            ...(opts.positive !== undefined ? { positive: opts.positive } : {}),
            ...(classes ? { classes } : {}),
            ...(opts.out !== undefined ? { out: opts.out } : {}),
            device: opts.device as 'cpu' | 'gpu' | 'auto',
            batch: opts.batch,
            ...(map ? { inputMap: map } : {}),
            ...(fprs ? { fprs } : {}),
            ...(define ? { define } : {}),
            ...(opts.cut !== undefined ? { cut: opts.cut, cutMissing: opts.dropUndecided ? 'drop' : 'error' } : {}),
            // worker threads only when asked for (--threads, DISCERN_THREADS): each adds an isolate and a session in
            // memory (~70 MB), and one thread keeps a 2,000,000-row file under 300 MB (docs/benchmarks.md)
            ...(threadsOf(ctx) !== undefined ? { threads: threadsOf(ctx)! } : {}),
          });
        } catch (e) {
          // scoreFile names its options by their API names (`fprs`); the user typed `--fpr`.
          throw e instanceof DiscernError ? e.renamed({ option: (name) => OPTION_NAMES[name] ?? name }) : e;
        }
        if (opts.json) {
          output.out(JSON.stringify(result, null, 2));
          return;
        }
        if (result.notice) output.err(result.notice);
        if (globals(ctx).quiet) return;
        const t = result.timings;
        output.out(`scored ${result.rows} rows of ${opts.data.map(display).join(', ')} with ${display(opts.model)} on ${result.device} in ${(t.totalMs / 1000).toFixed(2)} s (${Math.round(t.rowsPerSecond)} rows/s)`);
        for (const [input, cols] of Object.entries(result.inputs)) output.out(`input ${input}: ${cols.join(', ')}`);
        output.out(`outputs: ${result.outputs.join(', ')}`);
        if (opts.out) output.out(`wrote ${display(opts.out)}: ${result.columns.join(', ')}`);
        const m = result.metrics as Record<string, unknown> | undefined;
        if (m) {
          const f = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : 'n/a');
          output.out(`metrics (${result.probaOutput}): AUC ${f(m.auc)}, accuracy ${f(m.accuracy)}, precision ${f(m.precision)}, recall ${f(m.recall)}, F1 ${f(m.f1)}, log loss ${f(m.log_loss)}`);
          const tpr = m.tpr_at_fpr as Record<string, number | null> | undefined;
          if (tpr && Object.keys(tpr).length > 0) output.out(`TPR at FPR: ${Object.entries(tpr).map(([k, v]) => `${k} → ${f(v)}`).join(', ')}`);
        }
      },
    );
};
