import { DiscernError } from '@discern/core';
import { scoreFile } from '@discern/onnx';
import { type RegisterCommand, collect, display, globals } from '../cli-common.js';

/** `--input name=a,b,c` → { name: [a, b, c] }, for models with several inputs. */
function inputMap(specs: readonly string[]): Record<string, string[]> | undefined {
  if (specs.length === 0) return undefined;
  const map: Record<string, string[]> = {};
  for (const s of specs) {
    const eq = s.indexOf('=');
    const cols = s.slice(eq + 1).split(',').map((c) => c.trim()).filter((c) => c !== '');
    if (eq <= 0 || cols.length === 0) throw new DiscernError('INVALID_ARGUMENT', `--input expects name=col1,col2,..., got ${JSON.stringify(s)}`, { arg: s });
    map[s.slice(0, eq)] = cols;
  }
  return map;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new DiscernError('INVALID_ARGUMENT', `--batch expects a positive integer, got ${JSON.stringify(v)}`, { value: v });
  return n;
}

export const registerScore: RegisterCommand = (ctx) => {
  const { output } = ctx;
  ctx.program
    .command('score')
    .description('score a CSV file with any ONNX model (made by discern or another tool) through onnxruntime, on CPU or GPU')
    .requiredOption('-m, --model <file.onnx>', 'the ONNX model')
    .requiredOption('-d, --data <file.csv>', 'the CSV file to score (header row required)')
    .option('--features <a,b,...>', "input columns when the model's metadata does not name them (default: every numeric column but --label)")
    .option('--label <column>', 'column of true classes: print the metrics of the scores')
    .option('-o, --out <scores.csv>', 'write one column per model output')
    .option('--device <cpu|gpu|auto>', 'cpu (default), gpu (CUDA, then WebGPU), or auto (a GPU when one works)', 'cpu')
    .option('--batch <n>', 'rows per batch (bounded memory)', positiveInt, 65536)
    .option('--input <name=cols>', 'columns for one named model input (repeatable), for models with several inputs', collect, [])
    .option('--fpr <list>', 'FPRs at which to report the TPR, e.g. 0.01,0.1')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { model: string; data: string; features?: string; label?: string; out?: string; device: string; batch: number; input: string[]; fpr?: string; json?: boolean }) => {
      if (!['cpu', 'gpu', 'auto'].includes(opts.device))
        throw new DiscernError('INVALID_ARGUMENT', `--device must be cpu, gpu or auto, got ${JSON.stringify(opts.device)}`, { value: opts.device });
      const map = inputMap(opts.input);
      const result = await scoreFile({
        model: opts.model,
        data: opts.data,
        ...(opts.features ? { features: opts.features.split(',').map((s) => s.trim()) } : {}),
        ...(opts.label ? { label: opts.label } : {}),
        ...(opts.out ? { out: opts.out } : {}),
        device: opts.device as 'cpu' | 'gpu' | 'auto',
        batch: opts.batch,
        ...(map ? { inputMap: map } : {}),
        ...(opts.fpr ? { fprs: opts.fpr.split(',').map((s) => s.trim()) } : {}),
      });
      if (opts.json) {
        output.out(JSON.stringify(result, null, 2));
        return;
      }
      if (result.notice) output.err(result.notice);
      if (globals(ctx).quiet) return;
      const t = result.timings;
      output.out(`scored ${result.rows} rows of ${display(opts.data)} with ${display(opts.model)} on ${result.device} in ${(t.totalMs / 1000).toFixed(2)} s (${Math.round(t.rowsPerSecond)} rows/s)`);
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
    });
};
