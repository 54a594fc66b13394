import { spawn } from 'node:child_process';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, discernAsync, tempDir } from './cli.test-helpers.js';
import { largeCsv } from './large-csv.test-helpers.js';

const BIN = join(REPO, 'apps', 'runner', 'bin', 'discern.js');
const ROWS = 2_000_000;
const LIMIT_MB = 300;
/**
 * `discern run` with the 2,000,000-row file as data.test streams it: it is read once to check every cell (keeping the
 * labels), then in batches of 8,192 rows to score it; the feature matrix and its standardised copy never exist whole,
 * and the metrics walk one shared sort of the scores instead of building curves. Measured 266-289 MB in 16 runs
 * (206-213 MB with 200,000 rows): ~80 MB Node and the modules, ~60 MB the CSV parser's heap, 64 MB what evaluate keeps
 * per row (class, P(class) for both classes, P(signal), a sort index: 32 bytes) and ~40 MB the report's PNG
 * rendering, which is the same for any number of rows. The bound leaves ~70 MB above the highest run for the noise
 * of other machines' allocators and still fails a run that reads the test file whole again (~405 MB; with the metrics
 * as they were, 664-693 MB).
 */
const RUN_LIMIT_MB = 360;

/**
 * Runs `discern` and returns its peak resident memory (getrusage's ru_maxrss, read at exit by a preloaded hook),
 * as the operating system counts it: the JavaScript heap, buffers and onnxruntime's native memory together.
 */
function peakRss(args: string[], dir: string): Promise<{ code: number | null; stderr: string; stdout: string; peakMB: number }> {
  const hook = join(dir, 'maxrss-hook.cjs');
  const report = join(dir, `maxrss-${Date.now()}.txt`);
  writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, String(process.resourceUsage().maxRSS)));\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${hook}`.trim() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => {
      let kb = NaN;
      try {
        kb = Number(readFileSync(report, 'utf8'));
      } catch {
        // no report: the process died before exit handlers ran
      }
      resolve({ code, stdout, stderr, peakMB: kb / 1024 });
    });
  });
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file)) for (const b of chunk as Buffer) if (b === 10) n++;
  return n;
}

describe('large inputs stream in bounded memory', () => {
  let dir: string;
  let model: string;
  let big: string;

  beforeAll(async () => {
    dir = tempDir('discern-memory-');
    // A model fitted on 20,000 rows of the same seeded generator, exported to ONNX.
    const train = await largeCsv(20_000, 2);
    big = await largeCsv(ROWS, 1);
    writeFileSync(
      join(dir, 'evaluate.yaml'),
      `name: large-evaluate\nseed: 1\ndata:\n  train: ${JSON.stringify(train)}\n  test: ${JSON.stringify(big)}\n  label: label\n  positive: s\nsteps:\n  - standardize: {}\n  - fit: { model: logistic }\n  - evaluate: {}\n`,
    );
    writeFileSync(join(dir, 'train.yaml'), `name: large\nseed: 1\ndata:\n  source: ${JSON.stringify(train)}\n  label: label\n  positive: s\nsteps:\n  - standardize: {}\n  - fit: { model: logistic }\n`);
    const run = await discernAsync(['-q', 'run', join(dir, 'train.yaml'), '--out', join(dir, 'run')]);
    expect(run.code, run.stderr).toBe(0);
    model = join(dir, 'model.onnx');
    const exp = await discernAsync(['-q', 'export', join(dir, 'run', 'models', 'model.json'), '--out', model]);
    expect(exp.code, exp.stderr).toBe(0);
  }, 300_000);

  it(`discern score on a ${ROWS.toLocaleString('en')}-row file stays under ${LIMIT_MB} MB resident`, async () => {
    const out = join(dir, 'scores.csv');
    const r = await peakRss(['score', '--model', model, '--data', big, '--out', out], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`scored ${ROWS} rows`);
    expect(await countLines(out)).toBe(ROWS + 1);
    console.log(`discern score, ${ROWS} rows: peak RSS ${r.peakMB.toFixed(0)} MB`);
    expect(r.peakMB).toBeGreaterThan(20);
    expect(r.peakMB).toBeLessThan(LIMIT_MB);
  }, 300_000);

  it(`discern run evaluating a ${ROWS.toLocaleString('en')}-row test file stays under ${RUN_LIMIT_MB} MB resident`, async () => {
    const out = join(dir, 'evaluate-run');
    const r = await peakRss(['-q', 'run', join(dir, 'evaluate.yaml'), '--out', out], dir);
    expect(r.code, r.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { model: { test: { n: number } } };
    expect(metrics.model.test.n).toBe(ROWS);
    console.log(`discern run (evaluate), ${ROWS} test rows: peak RSS ${r.peakMB.toFixed(0)} MB`);
    expect(r.peakMB).toBeGreaterThan(150); // the per-row arrays alone are ~70 MB: a run that kept less is not this test
    expect(r.peakMB).toBeLessThan(RUN_LIMIT_MB);
  }, 300_000);
});
