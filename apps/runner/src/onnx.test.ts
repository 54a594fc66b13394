import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA, discern, expectUserError, tempDir } from './cli.test-helpers.js';

const MAGIC = join(DATA, 'magic04.csv');
let run: string;

beforeAll(async () => {
  run = tempDir();
  const r = await discern(['run', 'configs/magic-logistic.yaml', '--out', run]);
  if (r.code !== 0) throw new Error(r.stderr);
}, 120_000);

describe('export and score through the command', () => {
  it('the run exported a parity-checked model.onnx and scored the source file with it', async () => {
    expect(existsSync(join(run, 'model.onnx'))).toBe(true);
    const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    expect(metrics.onnx.rows).toBe(19020);
    expect(metrics.onnx.outputs).toEqual(['probabilities', 'score', 'label']);
    const manifest = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts.map((a: { path: string }) => a.path)).toContain('model.onnx');
    expect(manifest.artifacts.map((a: { path: string }) => a.path)).toContain('scores/onnx.csv');
  });

  it('discern score reproduces the in-run scores and metrics, and writes one column per output', async () => {
    const out = join(tempDir(), 'scores.csv');
    const r = await discern(['score', '--model', join(run, 'model.onnx'), '--data', MAGIC, '--label', 'class', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const res = JSON.parse(r.stdout);
    const inRun = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')).onnx.metrics;
    expect(res.rows).toBe(19020);
    expect(res.metrics.auc).toBe(inRun.auc);
    expect(res.inputs.features).toEqual(['fLength', 'fWidth', 'fSize', 'fConc', 'fConc1', 'fAsym', 'fM3Long', 'fM3Trans', 'fAlpha', 'fDist']);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(run, 'scores', 'onnx.csv'), 'utf8'));
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('probabilities_h,probabilities_g,score,label');
  });

  it('discern export turns a saved model JSON into an ONNX file that scores like the run', async () => {
    const onnx = join(tempDir(), 'again.onnx');
    const r = await discern(['export', join(run, 'models', 'model.json'), '--out', onnx, '--data', MAGIC]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/parity on 19020 rows/);
    const a = JSON.parse((await discern(['score', '--model', onnx, '--data', MAGIC, '--label', 'class', '--json'])).stdout);
    const b = JSON.parse((await discern(['score', '--model', join(run, 'model.onnx'), '--data', MAGIC, '--label', 'class', '--json'])).stdout);
    expect(a.metrics.auc).toBe(b.metrics.auc);
  });

  it('--device gpu either runs on a GPU or says what was tried and why each failed', async () => {
    const r = await discern(['score', '--model', join(run, 'model.onnx'), '--data', MAGIC, '--device', 'gpu', '--json']);
    if (r.code === 0) {
      expect(['cuda', 'webgpu']).toContain(JSON.parse(r.stdout).device);
    } else {
      expectUserError(r, 'DEVICE_UNAVAILABLE');
      expect(r.stderr).toContain('cuda');
      expect(r.stderr).toContain('webgpu');
      expect(r.stderr).not.toContain('[E:onnxruntime');
    }
  });

  it('--device auto falls back to the CPU with a one-line notice when no GPU works', async () => {
    const r = await discern(['score', '--model', join(run, 'model.onnx'), '--data', MAGIC, '--device', 'auto']);
    expect(r.code).toBe(0);
    if (r.stdout.includes(' on cpu ')) expect(r.stderr).toMatch(/running on the CPU/);
  });

  it('bad input: corrupt model, wrong JSON, bad options — coded errors, no output left', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.onnx'), readFileSync(join(run, 'model.onnx')).subarray(0, 100));
    const out = join(dir, 'out.csv');
    expectUserError(await discern(['score', '--model', join(dir, 'bad.onnx'), '--data', MAGIC, '--out', out]), 'ONNX_INVALID');
    expect(existsSync(out)).toBe(false);
    writeFileSync(join(dir, 'x.json'), '{"a": 1}');
    expectUserError(await discern(['export', join(dir, 'x.json'), '--out', join(dir, 'x.onnx')]), 'MODEL_INVALID');
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
    expectUserError(await discern(['score', '--model', join(run, 'model.onnx'), '--data', MAGIC, '--device', 'tpu']), 'INVALID_ARGUMENT');
    expectUserError(await discern(['score', '--model', join(run, 'model.onnx'), '--data', MAGIC, '--batch', '0']), 'INVALID_ARGUMENT');
  });
});
