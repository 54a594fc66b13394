/**
 * What a hostile new user found (issue 10), through the command as a user runs it: outputs that would destroy their
 * inputs, arguments checked only after the work, stack traces for a user's mistake, the parser's own errors, odd
 * paths and numbers. Each probe failed before and must now be a coded error (exit 2, no stack) or just work.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, DATA, REPO, discern, expectUserError, tempDir, writeFiles } from './cli.test-helpers.js';

const BIN = join(REPO, 'apps', 'runner', 'bin', 'discern.js');
const TINY = 'a,b,label\n0,1,x\n1,0,y\n0.5,0.5,x\n1,1,y\n0.2,0.1,x\n0.9,0.8,y\n';
const CONFIG = 'name: t\nseed: 1\ndata:\n  source: d.csv\n  label: label\n  split: none\nsteps:\n  - fit: { model: logistic }\n  - export: { onnx: model.onnx }\n';

/** A folder holding a config and its data, as a user keeps them. */
function project(): { dir: string; cfg: string; csv: string } {
  const dir = writeFiles({ 'd.csv': TINY, 'c.yaml': CONFIG });
  return { dir, cfg: join(dir, 'c.yaml'), csv: join(dir, 'd.csv') };
}

/** Exit 2 with `error CODE:` and no stack; the message mentions each of `words`. */
function refused(r: CliResult, code: string, ...words: string[]): void {
  expectUserError(r, code);
  for (const w of words) expect(r.stderr).toContain(w);
}

// A run of the tiny config: a saved model (models/model.json) and its ONNX export, for score and export.
let model: string;
let onnx: string;
beforeAll(async () => {
  const { cfg } = project();
  const out = tempDir();
  const r = await discern(['run', cfg, '--out', out]);
  if (r.code !== 0) throw new Error(r.stderr);
  model = join(out, 'models', 'model.json');
  onnx = join(out, 'model.onnx');
}, 120_000);

describe('no command overwrites or deletes a file it reads, --force or not', () => {
  it('run --out the folder holding the config and its data, with --force: refused, both intact', async () => {
    const { dir, cfg, csv } = project();
    refused(await discern(['run', cfg, '--out', dir, '--force']), 'OUTPUT_IS_INPUT', dir, cfg);
    expect(readFileSync(cfg, 'utf8')).toBe(CONFIG);
    expect(readFileSync(csv, 'utf8')).toBe(TINY);
  });

  it('run --out a folder that holds only the data (named by --set), or the config file itself', async () => {
    const { cfg } = project();
    const other = writeFiles({ 'x.csv': TINY });
    refused(await discern(['run', cfg, '--set', `data.source=${join(other, 'x.csv')}`, '--out', other, '--force']), 'OUTPUT_IS_INPUT', 'data.source');
    expect(readFileSync(join(other, 'x.csv'), 'utf8')).toBe(TINY);
    refused(await discern(['run', cfg, '--out', cfg, '--force']), 'OUTPUT_IS_INPUT');
    expect(readFileSync(cfg, 'utf8')).toBe(CONFIG);
  });

  it('run --out a folder that the data reaches through a symbolic link', async () => {
    const { dir, cfg } = project();
    const target = writeFiles({ 'real.csv': TINY });
    symlinkSync(target, join(dir, 'linked'));
    refused(await discern(['run', cfg, '--set', `data.source=${join(dir, 'linked', 'real.csv')}`, '--out', target, '--force']), 'OUTPUT_IS_INPUT');
    expect(readFileSync(join(target, 'real.csv'), 'utf8')).toBe(TINY);
  });

  it('score --out the data file, a hard link to it, a symbolic link to it, or the model', async () => {
    const { dir, csv } = project();
    linkSync(csv, join(dir, 'hard.csv'));
    symlinkSync(csv, join(dir, 'soft.csv'));
    for (const out of [csv, join(dir, 'hard.csv'), join(dir, 'soft.csv')]) refused(await discern(['score', '--model', onnx, '--data', csv, '--out', out]), 'OUTPUT_IS_INPUT', '--data');
    expect(readFileSync(csv, 'utf8')).toBe(TINY);
    const before = readFileSync(onnx);
    refused(await discern(['score', '--model', onnx, '--data', csv, '--out', onnx]), 'OUTPUT_IS_INPUT', '--model');
    expect(readFileSync(onnx)).toEqual(before);
  });

  it('export --out the data file or the model file', async () => {
    const { csv } = project();
    refused(await discern(['export', model, '--data', csv, '--out', csv]), 'OUTPUT_IS_INPUT', '--data');
    expect(readFileSync(csv, 'utf8')).toBe(TINY);
    const before = readFileSync(model, 'utf8');
    refused(await discern(['export', model, '--out', model]), 'OUTPUT_IS_INPUT', 'the model file');
    expect(readFileSync(model, 'utf8')).toBe(before);
  });

  it('run --out the current folder or a folder above it, with --force: refused, nothing deleted', async () => {
    const { cfg } = project();
    const cwd = writeFiles({ 'precious.txt': 'keep me' });
    const inner = join(cwd, 'deeper');
    mkdirSync(inner);
    for (const out of ['.', '..', '']) refused(await discern(['run', cfg, '--out', out, '--force'], { cwd: inner }), 'INVALID_ARGUMENT', 'holds the current folder');
    expect(readFileSync(join(cwd, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(inner)).toBe(true);
  });

  it('init x.csv --out x.csv --force', async () => {
    const { csv } = project();
    refused(await discern(['init', csv, '--out', csv, '--force']), 'OUTPUT_IS_INPUT');
    expect(readFileSync(csv, 'utf8')).toBe(TINY);
  });

  it('reproduce --update --lock pointing at a config or at its data', async () => {
    const { dir, cfg, csv } = project();
    refused(await discern(['reproduce', cfg, '--update', '--lock', cfg], { cwd: dir }), 'OUTPUT_IS_INPUT', '--lock');
    refused(await discern(['reproduce', cfg, '--update', '--lock', csv], { cwd: dir }), 'OUTPUT_IS_INPUT', '--lock');
    expect(readFileSync(cfg, 'utf8')).toBe(CONFIG);
    expect(readFileSync(csv, 'utf8')).toBe(TINY);
    // data given as a glob and as samples: every file it matches is an input (as the run itself lists them)
    const globbed = writeFiles({ 'd1.csv': TINY, 'd2.csv': TINY, 'c.yaml': CONFIG.replace('source: d.csv', 'source: ["d*.csv"]') });
    refused(await discern(['reproduce', join(globbed, 'c.yaml'), '--update', '--lock', join(globbed, 'd2.csv')], { cwd: globbed }), 'OUTPUT_IS_INPUT', '--lock', 'data.source');
    expect(readFileSync(join(globbed, 'd2.csv'), 'utf8')).toBe(TINY);
  });
});

describe('every argument is checked before any work, named as it was typed', () => {
  it('score: --fpr, --batch, --device, --features, --classes, --positive; no output written', async () => {
    const { dir, csv } = project();
    const out = join(dir, 'scores.csv');
    const score = (...args: string[]) => discern(['score', '--model', onnx, '--data', csv, '--label', 'label', '--out', out, ...args]);
    for (const fpr of ['2', '0', '1', '-0.1', 'abc', '0.1,,0.2', '0.1,0.1', 'NaN', 'Infinity']) {
      const r = await score('--fpr', fpr);
      refused(r, 'INVALID_ARGUMENT', '--fpr');
      expect(r.stderr).not.toContain('fprs');
    }
    for (const batch of ['0', '-5', '1.5', '1e3', 'x', '99999999999999999999', String(2 ** 20 + 1)]) refused(await score('--batch', batch), 'INVALID_ARGUMENT', '--batch');
    refused(await score('--device', 'tpu'), 'INVALID_ARGUMENT', '--device');
    refused(await score('--features', 'a,,b'), 'INVALID_ARGUMENT', '--features');
    refused(await score('--classes', 'x,x'), 'INVALID_ARGUMENT', '--classes');
    refused(await score('--classes', 'x,y', '--positive', 'z'), 'INVALID_ARGUMENT', '--positive');
    refused(await score('--input', 'x'), 'INVALID_ARGUMENT', '--input');
    refused(await discern(['score', '--model', onnx, '--data', csv, '--fpr', '0.1']), 'INVALID_ARGUMENT', '--fpr', '--label');
    refused(await discern(['score', '--model', onnx, '--data', csv, '--positive', 'x']), 'INVALID_ARGUMENT', '--positive', '--label');
    refused(await discern(['score', '--model', onnx, '--data', csv, '--out', '']), 'USAGE', '--out is empty');
    refused(await discern(['score', '--model', onnx, '--data', csv, '--out', `${out}.gz`]), 'INVALID_ARGUMENT', 'ends in .gz');
    refused(await discern(['score', '--model', onnx, '--data', csv, '--tree', 'events']), 'INVALID_ARGUMENT', '--tree names a ROOT tree');
    refused(await score('--define', 'x'), 'INVALID_ARGUMENT', '--define expects NAME=EXPRESSION');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.gz`)).toBe(false);
  });

  it('--threads, DISCERN_THREADS, --workers, --dtype: negative, zero, fractional, huge', async () => {
    const { cfg } = project();
    for (const t of ['0', '-1', '1.5', '257', '1e3', '99999999999999999999', 'many']) {
      refused(await discern(['--threads', t, 'run', cfg, '--out', tempDir()]), 'INVALID_ARGUMENT', '--threads');
      refused(await discern(['run', cfg, '--out', tempDir()], { env: { DISCERN_THREADS: t } }), 'INVALID_ARGUMENT', 'DISCERN_THREADS');
    }
    for (const w of ['0', '-2', '1.5', 'x']) refused(await discern(['reproduce', cfg, '--update', '--workers', w, '--lock', join(tempDir(), 'l.json')]), 'INVALID_ARGUMENT', '--workers');
    refused(await discern(['export', model, '--out', join(tempDir(), 'm.onnx'), '--dtype', 'float16']), 'INVALID_ARGUMENT', '--dtype');
  });

  it('a file that must exist: --model, --data, the config, the model file of export, the data of init', async () => {
    const nope = join(tempDir(), 'nope');
    refused(await discern(['score', '--model', nope, '--data', DATA]), 'FILE_NOT_FOUND', '--model');
    refused(await discern(['score', '--model', onnx, '--data', nope]), 'FILE_NOT_FOUND', '--data');
    refused(await discern(['run', nope]), 'FILE_NOT_FOUND');
    refused(await discern(['export', nope, '--out', join(tempDir(), 'm.onnx')]), 'FILE_NOT_FOUND');
    refused(await discern(['init', nope, '--out', join(tempDir(), 'c.yaml')]), 'FILE_NOT_FOUND');
  });

  it('options given twice, and a config named twice', async () => {
    const { cfg } = project();
    refused(await discern(['run', cfg, '--out', tempDir(), '--out', tempDir()]), 'USAGE', '--out is given twice');
    refused(await discern(['score', '--model', onnx, '--model', onnx, '--data', DATA]), 'USAGE', '--model is given twice');
    refused(await discern(['--threads', '1', '--threads', '2', 'run', cfg]), 'USAGE', '--threads is given twice');
    refused(await discern(['run', cfg, '--set', 'seed=1', '--set', 'seed=2', '--out', tempDir()]), 'USAGE', '--set seed is given twice');
    refused(await discern(['validate', cfg, '--set', 'steps[0].fit.l2=1', '--set', 'steps[0].fit.l2=2']), 'USAGE', '--set steps[0].fit.l2 is given twice');
    refused(await discern(['reproduce', cfg, cfg, '--update', '--lock', join(tempDir(), 'l.json')]), 'USAGE', 'named twice');
  });
});

describe("a user's mistake with paths is a coded error, never a stack trace", () => {
  it('run --out an existing file, or a path through a file', async () => {
    const { cfg, csv } = project();
    const file = join(tempDir(), 'f.txt');
    writeFileSync(file, 'x');
    refused(await discern(['run', cfg, '--out', file]), 'IO_ERROR', '--out', 'is a file, not a folder');
    refused(await discern(['run', cfg, '--out', join(file, 'sub')]), 'IO_ERROR', '--out', 'is a file, not a folder');
    expect(readFileSync(csv, 'utf8')).toBe(TINY);
  });

  it('score --out a folder, export --out a folder, score --data a folder, run a config that is a folder', async () => {
    const { csv } = project();
    const dir = tempDir();
    refused(await discern(['score', '--model', onnx, '--data', csv, '--out', dir]), 'IO_ERROR', '--out', 'is a folder');
    refused(await discern(['export', model, '--out', dir]), 'IO_ERROR', '--out', 'is a folder');
    refused(await discern(['score', '--model', onnx, '--data', dir]), 'IO_ERROR', '--data', 'is a folder');
    refused(await discern(['run', dir]), 'IO_ERROR', 'is a folder');
    refused(await discern(['validate', dir]), 'IO_ERROR', 'is a folder');
  });

  it('validate finds a data file that does not exist and a pattern that matches none, as run does, at their key', async () => {
    const { cfg } = project();
    for (const command of ['validate', 'run']) {
      refused(await discern([command, cfg, '--set', 'data.source=gone.csv']), 'FILE_NOT_FOUND', 'gone.csv does not exist (data.source (from --set)');
      refused(await discern([command, cfg, '--set', 'data.source=parts_*.csv']), 'DATA_INVALID', 'parts_*.csv" (data.source (from --set)) matches no file');
    }
  });

  it('an output name too long for the file system, and an output folder that does not exist', async () => {
    const { cfg, csv } = project();
    const long = 'n'.repeat(250);
    refused(await discern(['run', cfg, '--out', join(tempDir(), long)]), 'IO_ERROR', 'too long');
    refused(await discern(['score', '--model', onnx, '--data', csv, '--out', join(tempDir(), `${long}.csv`)]), 'IO_ERROR', 'too long');
    refused(await discern(['export', model, '--out', join(tempDir(), 'missing', 'm.onnx')]), 'IO_ERROR', 'does not exist');
  });

  it('an empty config, an empty data file', async () => {
    const dir = writeFiles({ 'empty.yaml': '', 'empty.csv': '', 'c.yaml': CONFIG.replace('d.csv', 'empty.csv') });
    refused(await discern(['run', join(dir, 'empty.yaml'), '--out', tempDir()]), 'CONFIG_INVALID');
    refused(await discern(['run', join(dir, 'c.yaml'), '--out', tempDir()]), 'DATA_INVALID', 'empty');
    refused(await discern(['score', '--model', onnx, '--data', join(dir, 'empty.csv')]), 'DATA_INVALID');
  });

  it('paths with spaces and non-ASCII letters work; `-` is a file name like any other', async () => {
    const { dir } = project();
    const odd = join(dir, 'a folder', 'ünïcødé 名前');
    mkdirSync(odd, { recursive: true });
    cpSync(join(dir, 'd.csv'), join(odd, 'd.csv'));
    writeFileSync(join(odd, 'my config.yaml'), CONFIG);
    const out = join(odd, 'run folder');
    const r = await discern(['run', join(odd, 'my config.yaml'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'metrics.json'))).toBe(true);
    refused(await discern(['run', '-'], { cwd: dir }), 'FILE_NOT_FOUND', '-');
  });
});

describe("the parser's own errors look like every other error", () => {
  const cases: [string, string[], string][] = [
    ['an unknown command', ['frobnicate'], "unknown command 'frobnicate'"],
    ['an unknown option', ['run', 'configs/nand-logistic.yaml', '--bogus'], "unknown option '--bogus'"],
    ['a missing argument', ['run'], "missing required argument 'config'"],
    ['too many arguments', ['run', 'a.yaml', 'b.yaml'], 'too many arguments'],
    ['an option without its value', ['score', '--model'], 'argument missing'],
    ['a missing required option', ['score', '--model', 'm.onnx'], "required option '-d, --data <file.csv>' not specified"],
    ['no command at all', [], 'no command given'],
  ];
  for (const [what, args, message] of cases)
    it(what, async () => {
      const r = await discern(args);
      refused(r, 'USAGE', message);
      expect(r.stderr).not.toMatch(/^error: /m);
    });

  it('--help and --version still end with 0', async () => {
    for (const args of [['--help'], ['run', '--help'], ['--version'], ['help', 'score']]) {
      const r = await discern(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).not.toBe('');
    }
  });
});

describe('a closed stdout ends the command quietly, as Unix tools do (`discern schema | head -1`)', () => {
  for (const command of ['schema', 'plugins'])
    it(command, async () => {
      // The reader is gone before the first line is written: every write meets a closed pipe (EPIPE).
      const child = spawn(process.execPath, [BIN, command], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
    });
});

describe('a foreign ONNX model with string labels and no class names', () => {
  /** P(g) = σ(−(fAlpha − 27)/15) as `probabilities` [N, 2], no metadata: a model as another tool makes it. */
  async function foreignModel(): Promise<string> {
    const { GraphBuilder } = await import('@discern/onnx');
    const b = new GraphBuilder('float32', 'foreign');
    const x = b.input('x', ['N', 1]);
    const p = b.op('Sigmoid', [b.op('Mul', [b.op('Sub', [x, b.scalar(27)]), b.scalar(-1 / 15)])]);
    b.output('probabilities', b.op('Concat', [b.op('Sub', [b.scalar(1), p]), p], { axis: 1 }), 'float', ['N', 2]);
    const file = join(tempDir(), 'foreign.onnx');
    writeFileSync(file, b.build({ producerVersion: 'test', metadata: {} }));
    return file;
  }

  it('--positive g (or --classes h,g) gives the metrics; without either, the error says what to give', async () => {
    const m = await foreignModel();
    const base = ['score', '--model', m, '--data', join(DATA, 'magic04.csv'), '--features', 'fAlpha', '--label', 'class'];
    const withPositive = await discern([...base, '--positive', 'g', '--json']);
    expect(withPositive.code, withPositive.stderr).toBe(0);
    const auc = (JSON.parse(withPositive.stdout) as { metrics: { auc: number } }).metrics.auc;
    // fAlpha is small for gamma showers: a real separation, far from chance
    expect(auc).toBeGreaterThan(0.65);
    const text = await discern([...base, '--positive', 'g']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/metrics \(probabilities\): AUC 0\.\d{4}, accuracy 0\.\d{4}/);
    const withClasses = await discern([...base, '--classes', 'h,g', '--json']);
    expect((JSON.parse(withClasses.stdout) as { metrics: { auc: number } }).metrics.auc).toBe(auc);
    // h as the signal: the same scores rank it the other way
    const reversed = await discern([...base, '--positive', 'h', '--json']);
    expect((JSON.parse(reversed.stdout) as { metrics: { auc: number } }).metrics.auc).toBeCloseTo(1 - auc, 12);
    refused(await discern(base), 'DATA_INVALID', '--positive', '--classes');
  });
});

describe('a fresh clone, as a new user tries it', () => {
  /** Runs a command in the repository with the npm that runs this test (npm_execpath under npm, else the one on PATH). */
  function npm(args: string[]): Promise<CliResult> {
    const npmCli = process.env.npm_execpath;
    const [cmd, argv] = npmCli && npmCli.endsWith('.js') ? [process.execPath, [npmCli, ...args]] : ['npm', args];
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it("`npx discern` prints only discern's output: no npm warning about the project's .npmrc", async () => {
    const r = await npm(['exec', '--no', '--', 'discern', '--version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // install scripts are off for the project (README "Development"), so npm ci needs only the npm registry
    const scripts = await npm(['config', 'get', 'ignore-scripts']);
    expect(scripts.stderr).toBe('');
    expect(scripts.stdout.trim()).toBe('true');
  });
});
