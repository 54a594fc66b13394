/**
 * Scoring throughput of the MAGIC MLP through onnxruntime-node against the TypeScript model's own predictProba.
 *
 *   npx tsx tools/bench/onnx.ts [--json]
 *
 * Model: MLPClassifier (32, 16) relu on the standardised MAGIC features (19,020 rows, 10 features), 30 epochs,
 * exported in float32 with the standardisation inside (parity-checked on all rows at export). Figures: rows per
 * second over all 19,020 rows (batch 1: the first 4,096 rows), median of 5 passes, after one warm-up pass; at batch
 * sizes 1, 1,024 and 65,536 on the CPU provider, and on the GPU ('gpu': CUDA, then WebGPU) when one opens the
 * model, with its scores compared to the CPU's (max |Δ| ≤ 1e-5 required). Without a GPU the providers' errors are
 * printed instead.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as models from '@discern/models';
import * as onnx from '@discern/onnx';


const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

function readMagic(): { X: Dense; y: Int32Array; features: string[] } {
  const lines = readFileSync(join(ROOT, '..', 'shared', 'data', 'magic04.csv'), 'utf8').trim().split(/\r?\n/);
  const features = lines[0]!.split(',').slice(0, -1);
  const p = features.length, n = lines.length - 1;
  const data = new Float64Array(n * p), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cells = lines[i + 1]!.split(',');
    for (let j = 0; j < p; j++) data[i * p + j] = Number(cells[j]);
    y[i] = cells[p] === 'g' ? 1 : 0;
  }
  return { X: { rows: n, cols: p, data }, y, features };
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

function slice(X: Dense, start: number, end: number): Dense {
  return { rows: end - start, cols: X.cols, data: X.data.subarray(start * X.cols, end * X.cols) };
}

/** Runs the benchmark and prints its table (or JSON); `npm run bench -- onnx` calls it, and so does running this file. */
export async function runOnnxBench(options: { json?: boolean } = {}): Promise<void> {
  const { X, y, features } = readMagic();
  const p = X.cols;
  const mean = new Float64Array(p), scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < X.rows; i++) s += X.data[i * p + j]!;
    mean[j] = s / X.rows;
    let v = 0;
    for (let i = 0; i < X.rows; i++) v += (X.data[i * p + j]! - mean[j]!) ** 2;
    scale[j] = Math.sqrt(v / X.rows);
  }
  const Xs: Dense = { rows: X.rows, cols: p, data: X.data.map((v, k) => (v - mean[k % p]!) / scale[k % p]!) };
  const mlp = new models.MLPClassifier({ hiddenLayers: [32, 16], activation: 'relu', maxIter: 30, seed: 7 }).fit(Xs, y);
  const exported = await onnx.exportModelChecked({ estimator: mlp, featureNames: features, classNames: ['h', 'g'], positive: 'g', standardizer: { mean, scale }, sample: X });
  const bytes = exported.bytes;

  const results: { runtime: string; device: string; batch: number | string; rowsPerSecond: number }[] = [];
  // the TypeScript model on standardised rows (it has no standardiser inside), in one call as a pipeline does
  {
    const times: number[] = [];
    mlp.predictProba(Xs);
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      mlp.predictProba(Xs);
      times.push(performance.now() - t);
    }
    results.push({ runtime: 'TypeScript predictProba', device: 'cpu', batch: 'all', rowsPerSecond: X.rows / (median(times) / 1000) });
  }

  async function timeSession(device: 'cpu' | 'gpu'): Promise<{ provider: string; scores: Float64Array } | { error: unknown }> {
    let ms;
    try {
      ms = await onnx.createSession(bytes, device);
    } catch (e) {
      return { error: e };
    }
    const scores = new Float64Array(X.rows);
    for (const batch of [1, 1024, 65536]) {
      const rows = batch === 1 ? 4096 : X.rows;
      const pass = async (keep: boolean) => {
        for (let s = 0; s < rows; s += batch) {
          const e = Math.min(rows, s + batch);
          const out = await onnx.runBatch(ms, { features: slice(X, s, e) });
          if (keep) scores.set(out.score!.data, s);
        }
      };
      await pass(batch === 65536);
      const times: number[] = [];
      for (let r = 0; r < (batch === 1 ? 3 : 5); r++) {
        const t = performance.now();
        await pass(false);
        times.push(performance.now() - t);
      }
      results.push({ runtime: 'onnxruntime-node', device: ms.provider, batch, rowsPerSecond: rows / (median(times) / 1000) });
    }
    await ms.session.release();
    return { provider: ms.provider, scores };
  }

  const cpu = await timeSession('cpu');
  const gpu = await timeSession('gpu');
  let gpuNote: string;
  if ('error' in gpu) gpuNote = `no GPU provider could be used: ${(gpu.error as Error).message}`;
  else {
    const c = (cpu as { scores: Float64Array }).scores;
    let worst = 0;
    for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i]! - gpu.scores[i]!));
    gpuNote = `${gpu.provider}: max |score(GPU) − score(CPU)| = ${worst.toExponential(2)} (${worst <= 1e-5 ? 'within' : 'OUTSIDE'} 1e-5)`;
  }
  const report = { machine: `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}`, node: process.version, rows: X.rows, parity: exported.parity.outputs, results, gpu: gpuNote };
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`MAGIC MLP (32, 16) relu, ${X.rows} rows, float32 ONNX; ${report.machine}, Node ${report.node}`);
    console.log('| runtime | device | batch | rows/s |\n|---|---|---|---|');
    for (const r of results) console.log(`| ${r.runtime} | ${r.device} | ${r.batch} | ${Math.round(r.rowsPerSecond).toLocaleString('en')} |`);
    console.log(`GPU: ${gpuNote}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runOnnxBench({ json: process.argv.includes('--json') });
