/**
 * Ingestion: how fast discern reads, scores and writes a large file, beside a pandas script doing the same work in the
 * same run on the same machine (tools/bench/io_pandas.py, /usr/bin/python3 with Debian's python3-pandas).
 *
 *   npm run bench -- io                 the whole table (docs/benchmarks.md, "Ingestion")
 *   npx tsx --tsconfig tools/tsconfig.json tools/bench/io.ts [--runs N] [--rows N] [--json]
 *
 * The data: 2,000,000 rows × 11 columns, the MAGIC gamma-telescope rows drawn with replacement (seeded) and each of
 * the ten Hillas parameters moved by a small seeded jitter, written with 5 significant digits (155 MB of CSV); its
 * Parquet copy written by discern (snappy, row groups of 131,072 rows). The model: the MAGIC MLP of tools/bench/onnx.ts
 * (32, 16) relu, float32 ONNX with the standardisation inside. Each measurement is a whole command in its own
 * process (`node apps/runner/bin/discern.js …`, the built command: run `npm run build` first), wall time and peak
 * resident memory (getrusage's ru_maxrss, read at exit), medians of --runs runs (default 3) interleaved with pandas:
 *
 * - `discern score --model M --data big.csv --out scores.csv` against pandas' read_csv + the same MLP in numpy + to_csv;
 * - the same from big.parquet, with --out scores.csv and --out scores.parquet;
 * - `discern run configs/magic-logistic.yaml --set data.train=magic04.csv --set data.test=big.csv`;
 * - `discern score` of big.parquet and of big.csv with --threads 1 and --threads 2 (row groups, or byte ranges of
 *   whole lines, parsed and scored on worker threads);
 * - a cut and a define over 10⁷ rows, in this process (compileExpression, evaluated column at a time).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import * as data from '@discern/data';
import * as linalg from '@discern/linalg';
import * as models from '@discern/models';
import * as onnx from '@discern/onnx';
import { MAGIC, PYTHON, ROOT, isMain, median } from './common.js';

const BIN = join(ROOT, 'apps', 'runner', 'bin', 'discern.js');
const FEATURES = ['fLength', 'fWidth', 'fSize', 'fConc', 'fConc1', 'fAsym', 'fM3Long', 'fM3Trans', 'fAlpha', 'fDist'];

export interface IoFiles {
  readonly dir: string;
  readonly csv: string;
  readonly parquet: string;
  readonly model: string;
  /** The model's weights for the pandas script (standardisation and the MLP's layers). */
  readonly weights: string;
  readonly rows: number;
}

/** Writes the large CSV (seeded), its Parquet copy and the MLP (ONNX and its weights as JSON); reused when present. */
export async function prepareIo(rows = 2_000_000, log: (s: string) => void = () => {}): Promise<IoFiles> {
  const dir = join(tmpdir(), `discern-bench-io-v1-${rows}`);
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, 'big.csv');
  const parquet = join(dir, 'big.parquet');
  const model = join(dir, 'magic-mlp.onnx');
  const weights = join(dir, 'magic-mlp.json');
  const magic = data.readCsvFile(MAGIC);
  const cols = FEATURES.map((f) => magic.columns.find((c) => c.name === f)!.numeric!);
  const cls = magic.columns.find((c) => c.name === 'class')!;
  if (!existsSync(csv) || statSync(csv).size === 0) {
    log(`writing ${rows.toLocaleString('en')} rows to ${csv}`);
    const rng = linalg.createRng(12);
    const tmp = `${csv}.tmp-${process.pid}`;
    const out = createWriteStream(tmp);
    const write = async (s: string) => {
      if (!out.write(s)) await once(out, 'drain');
    };
    await write(`${[...FEATURES, 'class'].join(',')}\n`);
    const CHUNK = 10_000;
    for (let start = 0; start < rows; start += CHUNK) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(rows, start + CHUNK); i++) {
        const r = Math.floor(rng.uniform() * magic.nRows);
        const cells = cols.map((c) => Number((c[r]! * (1 + 0.01 * rng.normal())).toPrecision(5)));
        lines.push(`${cells.join(',')},${cls.text(r)}`);
      }
      await write(`${lines.join('\n')}\n`);
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    renameSync(tmp, csv);
  }
  if (!existsSync(parquet)) {
    log(`writing ${parquet}`);
    const t = data.readCsvFile(csv);
    const columns = Object.fromEntries(t.columns.map((c) => [c.name, c.kind === 'numeric' ? c.numeric! : c.raw]));
    const parts: Uint8Array[] = [];
    await data.writeParquet(async (b) => void parts.push(b), columns, { rowGroupSize: 131_072 });
    writeFileSync(`${parquet}.tmp`, Buffer.concat(parts));
    renameSync(`${parquet}.tmp`, parquet);
  }
  if (!existsSync(model) || !existsSync(weights)) {
    log('training the MAGIC MLP (32, 16) and exporting it');
    const ds = data.buildDataset(magic, { label: 'class', positive: 'g' });
    const st = new data.Standardizer().fit(ds.X);
    const mlp = new models.MLPClassifier({ hiddenLayers: [32, 16], activation: 'relu', maxIter: 30, seed: 7 }).fit(st.transform(ds.X), ds.y);
    const exported = await onnx.exportModelChecked({ estimator: mlp, featureNames: FEATURES, classNames: ds.classNames, positive: 'g', standardizer: st.toJSON(), sample: ds.X });
    writeFileSync(model, exported.bytes);
    const json = mlp.toJSON() as unknown as { layers?: unknown; weights?: unknown };
    writeFileSync(weights, JSON.stringify({ standardizer: st.toJSON(), mlp: json }));
  }
  return { dir, csv, parquet, model, weights, rows };
}

export interface Measured {
  readonly wall: number;
  readonly peakMB: number;
  /** CPU seconds, user + system, of all the process's threads. */
  readonly cpu: number;
  /** What the command printed on stdout (the pandas script: its parts' times as JSON). */
  readonly stdout: string;
}

/** Runs a command in its own process; its wall time and peak resident memory (ru_maxrss at exit, by a preloaded hook). */
export async function measure(args: readonly string[], dir: string, command: 'discern' | 'python' = 'discern'): Promise<Measured> {
  const hook = join(dir, 'maxrss-hook.cjs');
  const report = join(dir, `maxrss-${process.pid}-${Date.now()}.txt`);
  writeFileSync(
    hook,
    `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify({ maxRSS: u.maxRSS, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6 })); });\n`,
  );
  const t0 = performance.now();
  const child =
    command === 'discern'
      ? spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: `--require ${hook}` }, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(PYTHON, [...args, '--maxrss', report], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  const [code] = (await once(child, 'close')) as [number | null];
  const wall = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  const r = JSON.parse(readFileSync(report, 'utf8')) as { maxRSS: number; cpu: number };
  return { wall, peakMB: r.maxRSS / 1024, cpu: r.cpu, stdout };
}

interface Row {
  readonly task: string;
  readonly ours: Measured[];
  readonly reference?: Measured[];
  readonly referenceName?: string;
  readonly target: string;
  readonly pass: (o: { wall: number; peak: number }, ref: number | undefined, by: Record<string, number>) => boolean;
  readonly ratioTo?: string;
}

const med = (m: readonly Measured[], k: 'wall' | 'peakMB' | 'cpu') => median(m.map((x) => x[k]));

/** The pandas script's parts (read_csv, compute, to_csv), per run. */
function pandasParts(m: readonly Measured[]): { read: number; compute: number; write: number; cpu: number }[] {
  return m.map((x) => {
    const j = JSON.parse(x.stdout.trim().split('\n').pop()!) as { read_csv: number; compute: number; to_csv: number; read_csv_cpu: number; to_csv_cpu: number };
    return { read: j.read_csv, compute: j.compute, write: j.to_csv, cpu: j.read_csv_cpu + j.to_csv_cpu };
  });
}

/** A cut and a define over `n` rows, in this process: the median time of `runs` evaluations, after one warm-up. */
export function expressionTimes(n = 10_000_000, runs = 5): { cut: number; define: number } {
  const rng = linalg.createRng(3);
  const col = () => {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = 100 * rng.uniform() - 50;
    return a;
  };
  const cols = data.plainColumns({ pt1: col(), pt2: col(), eta1: col(), E1: col(), E2: col(), px1: col(), px2: col(), py1: col(), py2: col(), pz1: col(), pz2: col() });
  const time = (text: string) => {
    const c = data.compileExpression(text, cols);
    c.evaluate(cols);
    const t: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      c.evaluate(cols);
      t.push((performance.now() - t0) / 1000);
    }
    return median(t);
  };
  return { cut: time('pt1 > 20 && pt2 > 20 && abs(eta1) < 2.4'), define: time('sqrt((E1+E2)^2 - (px1+px2)^2 - (py1+py2)^2 - (pz1+pz2)^2)') };
}

/** Runs the benchmark and prints its table. */
export async function runIoBench(options: { runs?: number; rows?: number; json?: string; log?: (s: string) => void } = {}): Promise<void> {
  const log = options.log ?? console.log;
  const runs = options.runs ?? 3;
  if (!existsSync(join(ROOT, 'apps', 'runner', 'dist'))) throw new Error('the built command is needed: run `npm run build` first');
  const f = await prepareIo(options.rows ?? 2_000_000, log);
  const py = spawnSync(PYTHON, ['-c', 'import pandas, numpy; print(pandas.__version__, numpy.__version__)'], { encoding: 'utf8' });
  const pandas = py.status === 0 ? py.stdout.trim() : undefined;
  log(`data: ${f.rows.toLocaleString('en')} rows × 11 columns, CSV ${(statSync(f.csv).size / 1e6).toFixed(0)} MB, Parquet ${(statSync(f.parquet).size / 1e6).toFixed(0)} MB; pandas ${pandas ?? 'not available'}`);
  const out = (name: string) => join(f.dir, name);
  const ours: Record<string, Measured[]> = {};
  const refs: Record<string, Measured[]> = {};
  const add = (m: Record<string, Measured[]>, k: string, v: Measured) => (m[k] ??= []).push(v);
  const magicTrain = MAGIC;
  for (let r = 0; r < runs; r++) {
    log(`run ${r + 1} of ${runs}`);
    if (pandas) add(refs, 'pandas', await measure([join(ROOT, 'tools', 'bench', 'io_pandas.py'), f.csv, f.weights, out('pandas-scores.csv')], f.dir, 'python'));
    add(ours, 'score-csv', await measure(['-q', 'score', '--model', f.model, '--data', f.csv, '--out', out('scores.csv')], f.dir));
    add(ours, 'score-parquet-csv', await measure(['-q', 'score', '--model', f.model, '--data', f.parquet, '--out', out('scores-from-parquet.csv')], f.dir));
    add(ours, 'score-parquet-parquet', await measure(['-q', 'score', '--model', f.model, '--data', f.parquet, '--out', out('scores.parquet')], f.dir));
    add(ours, 'threads-1', await measure(['-q', '--threads', '1', 'score', '--model', f.model, '--data', f.parquet, '--out', out('scores-t1.parquet')], f.dir));
    add(ours, 'threads-2', await measure(['-q', '--threads', '2', 'score', '--model', f.model, '--data', f.parquet, '--out', out('scores-t2.parquet')], f.dir));
    add(ours, 'csv-threads-1', await measure(['-q', '--threads', '1', 'score', '--model', f.model, '--data', f.csv, '--out', out('scores-t1.csv')], f.dir));
    add(ours, 'csv-threads-2', await measure(['-q', '--threads', '2', 'score', '--model', f.model, '--data', f.csv, '--out', out('scores-t2.csv')], f.dir));
    add(ours, 'run', await measure(['-q', 'run', join(ROOT, 'configs', 'magic-logistic.yaml'), '--set', `data.train=${magicTrain}`, '--set', `data.test=${f.csv}`, '--out', out('run'), '--force'], f.dir));
  }
  const expr = expressionTimes();
  const w = (k: string) => med(ours[k]!, 'wall');
  const p = (k: string) => med(ours[k]!, 'peakMB');
  // the reference of the issue: pandas' read_csv + to_csv of the same rows (the script's own timers, in its process)
  const parts = pandas ? pandasParts(refs.pandas!) : [];
  const pw = pandas ? median(parts.map((x) => x.read + x.write)) : undefined;
  const pc = pandas ? median(parts.map((x) => x.cpu)) : undefined;
  const c = (k: string) => med(ours[k]!, 'cpu');
  const rows: [string, string, string, string, string, string][] = [];
  const fmt = (s: number) => `${s.toFixed(2)} s`;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  rows.push([
    'discern score, CSV → CSV',
    fmt(w('score-csv')),
    `${p('score-csv').toFixed(0)} MB`,
    pw ? `${(w('score-csv') / pw).toFixed(2)}× pandas read_csv + to_csv (${fmt(pw)}); CPU ${fmt(c('score-csv'))} against ${fmt(pc!)}` : '-',
    '≤ 1.0× pandas, ≤ 300 MB',
    verdict(pw !== undefined && w('score-csv') <= pw && p('score-csv') <= 300),
  ]);
  for (const [k, what] of [
    ['score-parquet-csv', 'Parquet → CSV'],
    ['score-parquet-parquet', 'Parquet → Parquet'],
  ] as const)
    rows.push([
      `discern score, ${what}`,
      fmt(w(k)),
      `${p(k).toFixed(0)} MB`,
      `${(w(k) / w('score-csv')).toFixed(2)}× the CSV score; CPU ${fmt(c(k))} (${(c(k) / c('score-csv')).toFixed(2)}×)`,
      '≤ 0.5× CSV, ≤ 300 MB',
      verdict(w(k) <= 0.5 * w('score-csv') && p(k) <= 300),
    ]);
  rows.push([
    'discern run, 2 M-row test file',
    fmt(w('run')),
    `${p('run').toFixed(0)} MB`,
    `${(w('run') / w('score-csv')).toFixed(2)}× the CSV score; CPU ${fmt(c('run'))}`,
    '≤ 2× score, ≤ 360 MB',
    verdict(w('run') <= 2 * w('score-csv') && p('run') <= 360),
  ]);
  rows.push([
    'score Parquet → Parquet, --threads 2 vs 1',
    `${fmt(w('threads-2'))} / ${fmt(w('threads-1'))} (CPU ${fmt(med(ours['threads-2']!, 'cpu'))} / ${fmt(med(ours['threads-1']!, 'cpu'))})`,
    `${p('threads-2').toFixed(0)} / ${p('threads-1').toFixed(0)} MB`,
    `${(w('threads-1') / w('threads-2')).toFixed(2)}× faster`,
    '≥ 1.6×',
    verdict(w('threads-1') / w('threads-2') >= 1.6),
  ]);
  rows.push([
    'score CSV → CSV, --threads 2 vs 1',
    `${fmt(w('csv-threads-2'))} / ${fmt(w('csv-threads-1'))} (CPU ${fmt(med(ours['csv-threads-2']!, 'cpu'))} / ${fmt(med(ours['csv-threads-1']!, 'cpu'))})`,
    `${p('csv-threads-2').toFixed(0)} / ${p('csv-threads-1').toFixed(0)} MB`,
    `${(w('csv-threads-1') / w('csv-threads-2')).toFixed(2)}× faster`,
    '-',
    '-',
  ]);
  rows.push(['cut over 10⁷ rows (3 comparisons, abs, &&)', fmt(expr.cut), '-', '-', '< 1 s', verdict(expr.cut < 1)]);
  rows.push(['define over 10⁷ rows (invariant mass)', fmt(expr.define), '-', '-', '< 1 s', verdict(expr.define < 1)]);
  log(`\nmachine: ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}; Node ${process.version}; medians of ${runs} runs, each a whole command\n`);
  log('| task | wall | peak RSS | against | target | result |\n|---|---|---|---|---|---|');
  for (const r of rows) log(`| ${r.join(' | ')} |`);
  if (pandas) {
    const m = (f: (x: { read: number; compute: number; write: number }) => number) => median(parts.map(f)).toFixed(2);
    log(
      `\npandas (tools/bench/io_pandas.py, medians): read_csv ${m((x) => x.read)} s, the MLP in numpy ${m((x) => x.compute)} s, to_csv ${m((x) => x.write)} s; the whole script ${med(refs.pandas!, 'wall').toFixed(2)} s, peak ${med(refs.pandas!, 'peakMB').toFixed(0)} MB`,
    );
  }
  if (options.json) writeFileSync(options.json, JSON.stringify({ ours, refs, expr }, null, 2));
}

/** Used by tools/bench/run.ts: this benchmark prints its own table. */
export type IoRow = Row;

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const get = (k: string) => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  runIoBench({ ...(get('--runs') ? { runs: Number(get('--runs')) } : {}), ...(get('--rows') ? { rows: Number(get('--rows')) } : {}), ...(get('--json') ? { json: get('--json')! } : {}) }).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
