import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA, discern, expectUserError, tempDir } from './cli.test-helpers.js';

// discern score and discern init on every format: the MAGIC file as Parquet (and as two Parquet files, and gzip CSV)
// scores to the same numbers as the CSV, into CSV or Parquet; init writes a config for a ROOT tree that runs.
const MAGIC = join(DATA, 'magic04.csv');
let run: string;
let dir: string;

beforeAll(async () => {
  run = tempDir();
  dir = tempDir();
  const r = await discern(['run', 'configs/magic-logistic.yaml', '--out', run]);
  if (r.code !== 0) throw new Error(r.stderr);
  // the same rows as Parquet (one file, and two halves), and as gzip CSV, written by discern's data package
  const { readCsvFile, writeParquet } = await import('@discern/data');
  const { gzipSync } = await import('node:zlib');
  const t = readCsvFile(MAGIC);
  const columns = (from: number, to: number) => Object.fromEntries(t.columns.map((c) => [c.name, c.kind === 'numeric' ? c.numeric!.slice(from, to) : c.raw.slice(from, to)]));
  const write = async (path: string, cols: ReturnType<typeof columns>) => {
    const parts: Uint8Array[] = [];
    await writeParquet(async (b) => void parts.push(b), cols, { rowGroupSize: 4000 });
    writeFileSync(path, Buffer.concat(parts));
  };
  await write(join(dir, 'magic.parquet'), columns(0, t.nRows));
  await write(join(dir, 'a.parquet'), columns(0, 10000));
  await write(join(dir, 'b.parquet'), columns(10000, t.nRows));
  writeFileSync(join(dir, 'magic.csv.gz'), gzipSync(readFileSync(MAGIC)));
}, 180_000);

describe('discern score on every format', () => {
  it('Parquet, two Parquet files, gzip CSV: the same scores and metrics as the CSV; --out scores.parquet reads back to the same numbers', async () => {
    const model = join(run, 'model.onnx');
    const csvOut = join(dir, 'scores.csv');
    const ref = await discern(['score', '--model', model, '--data', MAGIC, '--label', 'class', '--out', csvOut, '--json']);
    expect(ref.code, ref.stderr).toBe(0);
    const refJson = JSON.parse(ref.stdout) as { metrics: { auc: number }; rows: number };
    for (const data of [['magic.parquet'], ['a.parquet', 'b.parquet'], ['magic.csv.gz']]) {
      const out = join(dir, `scores-${data.length}-${data[0]}.csv`);
      const r = await discern(['score', '--model', model, ...data.flatMap((d) => ['--data', join(dir, d)]), '--label', 'class', '--out', out, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const res = JSON.parse(r.stdout) as { metrics: { auc: number }; rows: number };
      expect(res.rows).toBe(19020);
      expect(res.metrics).toEqual(refJson.metrics);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(csvOut, 'utf8'));
    }
    const pqOut = join(dir, 'scores.parquet');
    const r = await discern(['score', '--model', model, '--data', join(dir, 'magic.parquet'), '--out', pqOut]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('wrote');
    const { readTableFile, readCsvFile } = await import('@discern/data');
    const back = await readTableFile(pqOut);
    const csv = readCsvFile(csvOut);
    expect(back.columns.map((c) => c.name)).toEqual(csv.columns.map((c) => c.name));
    // float32 outputs: the CSV holds the shortest decimal of each float32, the Parquet file the float32 itself
    for (const c of csv.columns) expect(back.columns.find((x) => x.name === c.name)!.numeric).toEqual(Float64Array.from(c.numeric!, (x) => (Number.isInteger(x) ? x : Math.fround(x))));
  }, 180_000);

  it('--format for a name that says nothing, --tree for ROOT; a bad --format is refused before any work', async () => {
    const model = join(run, 'model.onnx');
    const odd = join(dir, 'magic.data');
    writeFileSync(odd, readFileSync(join(dir, 'magic.parquet')));
    const r = await discern(['score', '--model', model, '--data', odd, '--format', 'parquet', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expectUserError(await discern(['score', '--model', model, '--data', odd, '--format', 'xls']), 'INVALID_ARGUMENT');
    const root = await discern(['score', '--model', model, '--data', join(DATA, 'uproot-Zmumu.root'), '--tree', 'nope']);
    expectUserError(root, 'DATA_INVALID');
    expect(root.stderr).toContain("has no tree 'nope'");
  }, 120_000);
});

describe('discern score of a ROOT tree', () => {
  it('a model fitted on a tree scores the same tree: the same metrics as the run evaluated on its source', async () => {
    const d = tempDir();
    const cfg = join(d, 'z.yaml');
    writeFileSync(
      cfg,
      `name: z\nseed: 3\ndata:\n  source: ${JSON.stringify(join(DATA, 'uproot-Zmumu.root'))}\n  label: Type\n  features: [pt1, eta1, pt2, eta2]\n  split: none\nsteps:\n  - fit: { model: logistic }\n  - evaluate: {}\n  - export: { onnx: model.onnx }\nreport: { plots: false }\n`,
    );
    const r = await discern(['run', cfg, '--out', join(d, 'run')]);
    expect(r.code, r.stderr).toBe(0);
    const s = await discern(['score', '--model', join(d, 'run', 'model.onnx'), '--data', join(DATA, 'uproot-Zmumu.root'), '--label', 'Type', '--json']);
    expect(s.code, s.stderr).toBe(0);
    const res = JSON.parse(s.stdout) as { rows: number; metrics: { accuracy: number } };
    const inRun = JSON.parse(readFileSync(join(d, 'run', 'metrics.json'), 'utf8')) as { model: { train: { accuracy: number } } };
    expect(res.rows).toBe(2304);
    // float32 in the exported graph: the decisions agree with the run's float64 model on these rows
    expect(res.metrics.accuracy).toBeCloseTo(inRun.model.train.accuracy, 3);
  }, 120_000);

  it('--define and --cut: a model on a derived column and a preselection scores the raw tree as the run read it', async () => {
    const d = tempDir();
    const cfg = join(d, 'm.yaml');
    const M = 'sqrt((E1+E2)^2 - (px1+px2)^2 - (py1+py2)^2 - (pz1+pz2)^2)';
    const cut = 'abs(eta1) < 2.4 && abs(eta2) < 2.4';
    writeFileSync(
      cfg,
      `name: m\nseed: 3\ndata:\n  source: ${JSON.stringify(join(DATA, 'uproot-Zmumu.root'))}\n  define: { M_calc: "${M}", os: "Q1 * Q2 < 0" }\n  cut: "${cut}"\n  label: os\n  positive: 1\n  features: [pt1, pt2, M_calc]\n  split: none\nsteps:\n  - fit: { model: logistic }\n  - evaluate: {}\n  - export: { onnx: model.onnx }\nreport: { plots: false }\n`,
    );
    const r = await discern(['run', cfg, '--out', join(d, 'run')]);
    expect(r.code, r.stderr).toBe(0);
    const inRun = JSON.parse(readFileSync(join(d, 'run', 'metrics.json'), 'utf8')) as { model: { train: { n: number; auc: number } } };
    const args = ['score', '--model', join(d, 'run', 'model.onnx'), '--data', join(DATA, 'uproot-Zmumu.root')];
    const s = await discern([...args, '--define', `M_calc=${M}`, '--define', 'os=Q1 * Q2 < 0', '--cut', cut, '--label', 'os', '--json']);
    expect(s.code, s.stderr).toBe(0);
    const res = JSON.parse(s.stdout) as { rows: number; metrics: { auc: number } };
    expect(res.rows).toBe(inRun.model.train.n);
    expect(res.metrics.auc).toBeCloseTo(inRun.model.train.auc, 4);
    // without the define the model's input is not in the file; a malformed --define is refused before any work
    const bad = [await discern(args), await discern([...args, '--define', 'M_calc']), await discern([...args, '--drop-undecided'])];
    bad.forEach((b, i) => expectUserError(b, ['ONNX_SHAPE_MISMATCH', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT'][i]!));
    expect(bad[0]!.stderr).toContain('has no column M_calc');
    expect(bad[1]!.stderr).toContain('--define expects NAME=EXPRESSION');
    expect(bad[2]!.stderr).toContain('--drop-undecided needs --cut');
  }, 120_000);
});

describe('discern init on every format', () => {
  it('a ROOT tree: the array branches are listed with how to use them, and the config validates', async () => {
    const out = join(tempDir(), 'hzz.yaml');
    const r = await discern(['init', join(DATA, 'uproot-HZZ.root'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('# Branches with several values per event (not features as they are): use an element (Jet_Px[0]) or a reduction');
    expect(text).toContain('Muon_Px (Float_t[NMuon])');
    expect((await discern(['validate', out])).code).toBe(0);
  }, 120_000);

  it('identifier columns (Run, Event; a row index) are left out of the features and named in a comment', async () => {
    const out = join(tempDir(), 'zmumu.yaml');
    expect((await discern(['init', join(DATA, 'uproot-Zmumu.root'), '--out', out])).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const features = /^ {2}features: \[(.*)\]/m.exec(text)![1]!.split(', ');
    expect(features).not.toContain('Run');
    expect(features).not.toContain('Event');
    expect(features).toContain('px1');
    expect(text).toContain('# Left out as identifiers (bookkeeping, not physics): Run, Event; add them to features if they are not.');
    // a row index under any name (0…n−1, each once); an integer feature that is not one stays
    const csv = join(tempDir(), 'indexed.csv');
    writeFileSync(csv, 'k,x,hits,label\n' + Array.from({ length: 40 }, (_, i) => `${i},${(i * 0.37) % 1},${i % 5},${i % 2 ? 'a' : 'b'}`).join('\n') + '\n');
    const out2 = join(tempDir(), 'indexed.yaml');
    expect((await discern(['init', csv, '--out', out2])).code).toBe(0);
    const text2 = readFileSync(out2, 'utf8');
    expect(text2).toContain('features: [x, hits]');
    expect(text2).toContain('# Left out as identifiers (bookkeeping, not physics): k;');
    expect((await discern(['validate', out2])).code).toBe(0);
  }, 120_000);

  it('a Parquet file: the same starter as its CSV, but for the source line', async () => {
    const a = join(tempDir(), 'from-csv.yaml'), b = join(tempDir(), 'from-parquet.yaml');
    expect((await discern(['init', MAGIC, '--out', a])).code).toBe(0);
    expect((await discern(['init', join(dir, 'magic.parquet'), '--out', b])).code).toBe(0);
    const strip = (s: string) => s.split('\n').filter((l) => !/source:|^# Starter config|^name:/.test(l)).join('\n');
    expect(strip(readFileSync(b, 'utf8'))).toBe(strip(readFileSync(a, 'utf8')));
  }, 120_000);
});
