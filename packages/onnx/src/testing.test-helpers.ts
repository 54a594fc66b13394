import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { type DenseMatrix } from '@discern/linalg';
import { type ExportModelOptions, type ExportResult, type ParityRows, exportModelChecked } from './export.js';
import { DEFAULT_PARITY_ROWS } from './parity-rows.js';

export const PYTHON = '/usr/bin/python3';

/** The repository root (the folder with nx.json), found by walking up from this file. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root (nx.json) not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export function dataPath(file: string): string {
  return join(repoRoot(), '..', 'shared', 'data', file);
}

export interface TestData {
  X: DenseMatrix;
  y: Int32Array;
  classes: string[];
  features: string[];
}

/**
 * A plain CSV (header, commas, no quotes) with every column but `label` numeric; `label` encoded in order of first
 * appearance unless `classes` is given. `take` keeps every take-th row (a quick, class-balanced-enough subset).
 */
export function loadCsv(file: string, label: string | undefined, opts: { take?: number; classes?: string[] } = {}): TestData {
  const lines = readFileSync(dataPath(file), 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  const li = label === undefined ? -1 : header.indexOf(label);
  const features = header.filter((_, c) => c !== li);
  const take = opts.take ?? 1;
  const rows = lines.slice(1).filter((_, i) => i % take === 0);
  const p = features.length;
  const data = new Float64Array(rows.length * p);
  const classes = opts.classes ? [...opts.classes] : [];
  const y = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const cells = line.split(',');
    let j = 0;
    cells.forEach((c, k) => {
      if (k === li) {
        let idx = classes.indexOf(c);
        if (idx < 0) idx = classes.push(c) - 1;
        y[i] = idx;
      } else data[i * p + j++] = Number(c);
    });
  });
  return { X: { rows: rows.length, cols: p, data }, y, classes, features };
}

/** Column mean and population standard deviation, as Standardizer. */
export function meanScale(X: DenseMatrix): { mean: Float64Array; scale: Float64Array } {
  const { rows: n, cols: p, data } = X;
  const mean = new Float64Array(p), scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += data[i * p + j]!;
    mean[j] = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * p + j]! - mean[j]!) ** 2;
    scale[j] = Math.sqrt(v / n) || 1;
  }
  return { mean, scale };
}

export function standardised(X: DenseMatrix, s: { mean: ArrayLike<number>; scale: ArrayLike<number> }): DenseMatrix {
  const out = new Float64Array(X.data.length);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) out[i * X.cols + j] = (X.data[i * X.cols + j]! - s.mean[j]!) / s.scale[j]!;
  return { rows: X.rows, cols: X.cols, data: out };
}

let pythonOnnx: boolean | undefined;

/** Whether /usr/bin/python3 can import onnx (CI installs python3-onnx, so there it always can). */
export function hasPythonOnnx(): boolean {
  if (pythonOnnx === undefined) pythonOnnx = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
  if (!pythonOnnx) console.warn('notice: /usr/bin/python3 cannot import onnx; the ONNX checker tests are not run here (CI installs python3-onnx)');
  return pythonOnnx;
}

const CHECK = [
  'import onnx, sys',
  'for f in sys.argv[1:]:',
  '    try:',
  '        onnx.checker.check_model(onnx.load(f), full_check=True)',
  '        print("ok")',
  '    except Exception as e:',
  '        print(repr(e).replace(chr(10), " "))',
].join('\n');

/** Runs onnx.checker.check_model(full_check=True) on each model (one python process); '' per model that passes. */
export function onnxCheckAll(models: readonly Uint8Array[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'discern-onnx-check-'));
  const files = models.map((bytes, i) => {
    const file = join(dir, `model${i}.onnx`);
    writeFileSync(file, bytes);
    return file;
  });
  const r = spawnSync(PYTHON, ['-c', CHECK, ...files], { encoding: 'utf8' });
  if (r.status !== 0) return files.map(() => r.stderr || `exit ${r.status}`);
  const lines = r.stdout.trim().split('\n');
  return files.map((_, i) => (lines[i] === 'ok' ? '' : (lines[i] ?? 'no answer from the checker')));
}

export function onnxCheck(bytes: Uint8Array): string {
  return onnxCheckAll([bytes])[0]!;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'discern-onnx-'));
}

/**
 * Exports in float32 and float64, asserts each passes onnx.checker (where python3-onnx exists) and that the parity
 * figures are within the stated tolerances; returns both results.
 */
export async function exportBoth(o: Omit<ExportModelOptions, 'dtype'> & ParityRows): Promise<Record<'float32' | 'float64', ExportResult>> {
  const out = {} as Record<'float32' | 'float64', ExportResult>;
  for (const dtype of ['float32', 'float64'] as const) {
    const r = await exportModelChecked({ ...o, dtype });
    expect(r.parity.rows).toBe(o.sample?.rows ?? DEFAULT_PARITY_ROWS);
    expect(r.parity.outputs.length).toBeGreaterThan(0);
    for (const po of r.parity.outputs) expect(po.maxDiff, `${dtype} ${po.output}`).toBeLessThanOrEqual(dtype === 'float32' ? 1e-5 : 1e-12);
    out[dtype] = r;
  }
  if (hasPythonOnnx()) expect(onnxCheckAll([out.float32.bytes, out.float64.bytes]), `onnx.checker on the ${o.estimator.kind} models`).toEqual(['', '']);
  return out;
}
