import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { runPipeline, type RunResult } from '../engine.js';

/** A seeded two-class sample: class `s` ~ N(1, 1) in x1 (x2 pure noise), class `b` ~ N(0, 1); n per class. */
export function twoClassCsv(n: number, seed = 1, shift = 1): string {
  const rng = createRng(seed);
  const lines = ['x1,x2,label'];
  for (let i = 0; i < n; i++) {
    lines.push(`${rng.normal()},${rng.normal()},b`);
    lines.push(`${rng.normal() + shift},${rng.normal()},s`);
  }
  return `${lines.join('\n')}\n`;
}

/** Three classes along x1 at 0, 2, 4 (x2 noise). */
export function threeClassCsv(n: number, seed = 2): string {
  const rng = createRng(seed);
  const lines = ['x1,x2,label'];
  for (let i = 0; i < n; i++) for (const [c, m] of [['a', 0], ['b', 2], ['c', 4]] as const) lines.push(`${rng.normal() + m},${rng.normal()},${c}`);
  return `${lines.join('\n')}\n`;
}

/** Writes a config (and data files) into a temp folder and runs it; the report draws no plots unless asked. */
export async function runConfig(yaml: string, files: Record<string, string> = {}, options: { plots?: boolean } = {}): Promise<RunResult & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'discern-steps-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const report = options.plots ? '' : 'report: { plots: false }\n';
  writeFileSync(join(dir, 'c.yaml'), `${yaml.trimEnd()}\n${report}`);
  const result = await runPipeline(join(dir, 'c.yaml'), { outDir: join(dir, 'run') });
  return { ...result, dir };
}

/** The coded error a run throws. */
export async function runError(yaml: string, files: Record<string, string> = {}): Promise<DiscernError> {
  try {
    await runConfig(yaml, files);
  } catch (e) {
    if (e instanceof DiscernError) return e;
    throw e;
  }
  throw new Error('expected the run to fail');
}
