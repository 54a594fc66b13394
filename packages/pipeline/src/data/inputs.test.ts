import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParquetColumnValues, readCsvFile, readTableFile, writeParquet } from '@discern/data';
import { type DiscernError, isDiscernError } from '@discern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { StreamedDataset } from '../datasets.js';
import { runPipeline } from '../engine.js';
import { createRegistry } from '../steps/index.js';

// Real analysis inputs through the pipeline: the same data as CSV and as Parquet give the same metrics.json bit for
// bit; the ROOT example configs run end to end; every bad input of issue 12 is a coded error naming the file, tree,
// branch or column, or the config key and its line.
const shared = (name: string) => fileURLToPath(new URL(`../../../../../shared/data/${name}`, import.meta.url));
const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'discern-inputs-'));
  dirs.push(d);
  return d;
}

async function parquetOf(csv: string, out: string, rowGroupSize = 5000): Promise<void> {
  const t = readCsvFile(csv);
  const columns: Record<string, ParquetColumnValues> = Object.fromEntries(t.columns.map((c) => [c.name, c.kind === 'numeric' ? Float64Array.from(c.numeric!) : c.raw]));
  const parts: Uint8Array[] = [];
  await writeParquet(async (b) => void parts.push(b), columns, { rowGroupSize });
  writeFileSync(out, Buffer.concat(parts));
}

async function run(dir: string, yaml: string, name = 'c.yaml'): Promise<{ metrics: string; manifest: Record<string, unknown> }> {
  writeFileSync(join(dir, name), `${yaml.trimEnd()}\nreport: { plots: false }\n`);
  const out = join(dir, `run-${name}`);
  await runPipeline(join(dir, name), { outDir: out, force: true });
  return { metrics: readFileSync(join(out, 'metrics.json'), 'utf8'), manifest: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Record<string, unknown> };
}

async function failure(dir: string, yaml: string): Promise<DiscernError> {
  try {
    await run(dir, yaml);
  } catch (e) {
    if (isDiscernError(e)) return e;
    throw e;
  }
  throw new Error('expected the run to fail');
}

const MAGIC = (source: string, extra = '') => `name: m
seed: 7
data:
  source: ${source}
  label: class
  positive: g
${extra}steps:
  - standardize: {}
  - fit: { model: logistic, solver: lbfgs, tol: 1.0e-8, max_iter: 2000 }
  - evaluate: { fpr: [0.01, 0.1] }
  - predict: { on: [test], print_max: 0 }
`;

describe('the same data as CSV and as Parquet', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    copyFileSync(shared('magic04.csv'), join(dir, 'magic.csv'));
    await parquetOf(shared('magic04.csv'), join(dir, 'magic.parquet'));
  });

  it('MAGIC split 70/30: identical metrics.json, byte for byte', async () => {
    const csv = await run(dir, MAGIC('magic.csv'), 'csv.yaml');
    const pq = await run(dir, MAGIC('magic.parquet'), 'pq.yaml');
    expect(pq.metrics).toBe(csv.metrics);
    expect(JSON.parse(csv.metrics).model.test.auc).toBeGreaterThan(0.8);
  }, 120_000);

  it('train and test files (the test file streamed in batches): identical metrics.json; the score files too', async () => {
    const t = readCsvFile(join(dir, 'magic.csv'));
    // the file is ordered by class: every third row to the test file
    const lines = readFileSync(join(dir, 'magic.csv'), 'utf8').trimEnd().split('\n');
    const rows = lines.slice(1);
    writeFileSync(join(dir, 'train.csv'), `${[lines[0], ...rows.filter((_, i) => i % 3 !== 0)].join('\n')}\n`);
    writeFileSync(join(dir, 'test.csv'), `${[lines[0], ...rows.filter((_, i) => i % 3 === 0)].join('\n')}\n`);
    await parquetOf(join(dir, 'train.csv'), join(dir, 'train.parquet'));
    await parquetOf(join(dir, 'test.csv'), join(dir, 'test.parquet'), 2000);
    expect(t.nRows).toBe(19020);
    const yaml = (a: string, b: string) => MAGIC(a).replace(`  source: ${a}\n`, `  train: ${a}\n  test: ${b}\n`);
    const csv = await run(dir, yaml('train.csv', 'test.csv'), 'csv2.yaml');
    const pq = await run(dir, yaml('train.parquet', 'test.parquet'), 'pq2.yaml');
    expect(pq.metrics).toBe(csv.metrics);
    expect(readFileSync(join(dir, 'run-pq2.yaml', 'scores', 'model-test.csv'), 'utf8')).toBe(readFileSync(join(dir, 'run-csv2.yaml', 'scores', 'model-test.csv'), 'utf8'));
  }, 120_000);

  it('a streamed Parquet test set: its batches and its whole Dataset (read synchronously when a step asks) hold the same features as the CSV', async () => {
    const opts = { batchSize: 4000 };
    const csvWhole = (await StreamedDataset.open(join(dir, 'magic.csv'), { ...opts, build: { label: 'class', positive: 'g', classes: ['h', 'g'] } })).whole();
    const streamed = await StreamedDataset.open(join(dir, 'magic.parquet'), { ...opts, build: { label: 'class', positive: 'g', classes: ['h', 'g'], encodings: csvWhole.encodings! } });
    expect(streamed.rows).toBe(19020);
    const parts: number[] = [];
    for await (const b of streamed.batches()) parts.push(...b.X.data);
    expect(Float64Array.from(parts)).toEqual(csvWhole.X.data);
    expect(streamed.whole().X.data).toEqual(csvWhole.X.data);
    expect([...streamed.y]).toEqual([...csvWhole.y]);
  }, 60_000);

  it('the predict step writes Parquet: the labels, probabilities and predictions of the CSV score file', async () => {
    const csv = await run(dir, MAGIC('magic.csv'), 'pcsv.yaml');
    const pq = await run(dir, MAGIC('magic.csv').replace('predict: { on: [test], print_max: 0 }', 'predict: { on: [test], print_max: 0, format: parquet }'), 'ppq.yaml');
    expect(pq.metrics).toBe(csv.metrics);
    const a = readCsvFile(join(dir, 'run-pcsv.yaml', 'scores', 'model-test.csv'));
    const b = await readTableFile(join(dir, 'run-ppq.yaml', 'scores', 'model-test.parquet'));
    expect(b.columns.map((c) => c.name)).toEqual(a.columns.map((c) => c.name));
    for (const c of a.columns) expect(b.columns.find((x) => x.name === c.name)!.raw).toEqual(c.raw);
  }, 60_000);

  it('several files and a glob for one role read as one data set: the same metrics as the one file', async () => {
    const lines = readFileSync(join(dir, 'magic.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(dir, 'part-1.csv'), `${lines.slice(0, 9001).join('\n')}\n`);
    writeFileSync(join(dir, 'part-2.csv'), `${[lines[0], ...lines.slice(9001)].join('\n')}\n`);
    const one = await run(dir, MAGIC('magic.csv'), 'one.yaml');
    const glob = await run(dir, MAGIC('"part-*.csv"'), 'glob.yaml');
    expect(glob.metrics).toBe(one.metrics);
    const files = (glob.manifest.data as { files: { path: string; rows: number }[] }).files;
    expect(files.map((f) => [f.path.endsWith('part-1.csv'), f.rows])).toEqual([[true, 9000], [false, 10020]]);
  }, 120_000);
});

describe('the ROOT example configs', () => {
  it.each(['zmumu-charge', 'hzz-leading-muons', 'photon-jet-samples'])('configs/%s.yaml runs end to end', async (name) => {
    const dir = tempDir();
    const r = await runPipeline(repo(`configs/${name}.yaml`), { outDir: join(dir, 'run') });
    const test = (r.metrics.model as { test: { auc: number } }).test;
    expect(test.auc).toBeGreaterThan(0.6);
    const flow = (r.manifest.data as { cutflow: { read: number; passed: number; train: number; test: number }[] }).cutflow;
    for (const f of flow) expect(f.train + f.test).toBe(f.passed);
    expect(readFileSync(join(dir, 'run', 'report.html'), 'utf8')).toContain('cut flow');
  }, 120_000);

  it('photon-jet-samples: the cut flow counts each sample by hand', async () => {
    const dir = tempDir();
    const r = await runPipeline(repo('configs/photon-jet-samples.yaml'), { outDir: join(dir, 'run') });
    const flow = (r.manifest.data as { cutflow: { name: string; read: number; passed: number; weightedRead: number; weightedPassed: number }[] }).cutflow;
    // data/photon-jet.csv: 10,056 photons and 9,944 jets (data/README.md), unit weights; jets with pt > 25 GeV counted here
    const t = readCsvFile(repo('data/photon-jet.csv'));
    const col = (n: string) => t.columns.find((c) => c.name === n)!;
    let jets = 0, jetsPassed = 0;
    for (let r2 = 0; r2 < t.nRows; r2++)
      if (col('label').text(r2) === 'jet') {
        jets++;
        if (col('pt').numeric![r2]! > 25 && col('iso').numeric![r2]! < 20) jetsPassed++;
      }
    expect(flow.map((f) => [f.name, f.read])).toEqual([
      ['photons', 10056],
      ['jets', jets],
    ]);
    expect(flow[1]!.passed).toBe(jetsPassed);
    expect(flow[1]!.weightedRead).toBeCloseTo(jets * 0.21, 6);
    expect(flow[1]!.weightedPassed).toBeCloseTo(jetsPassed * 0.21, 6);
  }, 120_000);
});

describe('samples with roles, weights as numbers, derived weights', () => {
  it('each sample says its role: train and test are the samples themselves; a number weight and a derived weight column', async () => {
    const dir = tempDir();
    const rows = (n: number, shift: number, seed: number) => {
      const lines = ['x,y,w0'];
      let s = seed;
      const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
      for (let i = 0; i < n; i++) lines.push(`${(rnd() + shift).toFixed(4)},${rnd().toFixed(4)},${(1 + (i % 3)).toFixed(1)}`);
      return `${lines.join('\n')}\n`;
    };
    writeFileSync(join(dir, 'sig-train.csv'), rows(60, 1, 7));
    writeFileSync(join(dir, 'bkg-train.csv'), rows(80, 0, 11));
    writeFileSync(join(dir, 'sig-test.csv'), rows(30, 1, 13));
    writeFileSync(join(dir, 'bkg-test.csv'), rows(40, 0, 17));
    const r = await run(
      dir,
      `name: roles
data:
  samples:
    - { name: s1, path: sig-train.csv, class: sig, role: train, weight: 0.5 }
    - { name: b1, path: bkg-train.csv, class: bkg, role: train, weight: "w0 * 2" }
    - { name: s2, path: sig-test.csv, class: sig, role: test, weight: 0.5 }
    - { name: b2, path: bkg-test.csv, class: bkg, role: test, weight: "w0 * 2" }
  define: { xy: "x * y" }
  positive: sig
  features: [x, y, xy]
steps:
  - fit: { model: logistic }
  - evaluate: {}
`,
    );
    const flow = (r.manifest.data as { cutflow: { name: string; train: number; test: number; weightedTrain: number; weightedTest: number }[] }).cutflow;
    expect(flow.map((f) => [f.name, f.train, f.test])).toEqual([
      ['s1', 60, 0],
      ['b1', 80, 0],
      ['s2', 0, 30],
      ['b2', 0, 40],
    ]);
    // w0 cycles 1, 2, 3 down the rows; the photons-like samples s1, s2 weigh 0.5 each
    const cycle = (n: number) => Array.from({ length: n }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0);
    expect(flow[0]!.weightedTrain).toBe(30);
    expect(flow[1]!.weightedTrain).toBe(2 * cycle(80));
    expect(flow[3]!.weightedTest).toBe(2 * cycle(40));
    const m = JSON.parse(r.metrics) as { model: { test: { n: number } } };
    expect(m.model.test.n).toBe(70);
  }, 60_000);
});

describe('bad inputs are coded errors naming what and where', () => {
  const zmumu = (extra: string, features = '[pt1, pt2]') => `name: z
seed: 1
data:
  source: ${shared('uproot-Zmumu.root')}
  define:
    OS: "Q1 * Q2 < 0"
${extra}  label: OS
  positive: 1
  features: ${features}
steps:
  - fit: { model: logistic }
`;

  it('a define that does not parse is a config error when the config is checked: its key, line and the position in the expression', () => {
    const text = zmumu('    bad: "sqrt(pt1 + )"\n');
    let e: unknown;
    try {
      parseConfig(text, '/x/c.yaml', createRegistry());
    } catch (err) {
      e = err;
    }
    expect(isDiscernError(e) && e.code).toBe('CONFIG_INVALID');
    expect((e as Error).message).toContain('cannot parse the expression: expected a number, a column name, a function call or "(", found ")", at character 12 of the expression (sqrt(pt1 + ▸)) → at data.define.bad (c.yaml:7:10)');
  });

  it('a cut naming a column the file lacks: a config error at data.cut, with a did-you-mean', async () => {
    const e = await failure(tempDir(), zmumu('  cut: "pT1 > 20"\n'));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/^data\.cut: "pT1 > 20": there is no column 'pT1' in .*uproot-Zmumu\.root \(did you mean 'pt1'\?\)/);
    expect(e.message).toContain('(c.yaml:7:8)');
  });

  it('a feature branch that does not exist, with a did-you-mean', async () => {
    const e = await failure(tempDir(), zmumu('', '[pt1, eta]'));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("feature column 'eta' (data.features[1] (c.yaml:9:19)) is not in");
    expect(e.message).toContain("uproot-Zmumu.root (did you mean 'eta1'?)");
  });

  it('a ROOT file without the named tree lists the trees it has', async () => {
    const e = await failure(tempDir(), zmumu('  tree: tree\n'));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("has no tree 'tree' (data.tree (c.yaml:");
    expect(e.message).toContain("its trees are 'events'");
  });

  it('an array branch used without an index or a reduction', async () => {
    const e = await failure(
      tempDir(),
      `name: h
data:
  source: ${shared('uproot-HZZ.root')}
  define: { many: "NMuon > 1" }
  label: many
  features: [Muon_Px, MET_px]
steps:
  - fit: { model: logistic }
`,
    );
    expect(e.message).toContain("feature \"Muon_Px\" (data.features[0] (c.yaml:6:14)): column 'Muon_Px' holds an array per row (a variable number of values: Muon_Px (Float_t[NMuon])); use one element, Muon_Px[0], or a reduction");
  });

  it('a derived value that is not finite is a missing value under the policy: an error naming the row and the expression, or dropped', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'd.csv'), 'a,b,label\n1,2,x\n-4,1,y\n9,3,x\n16,0,y\n');
    const yaml = (missing: string) => `name: d
data:
  source: d.csv
  define: { r: "sqrt(a)" }
  label: label
  features: [r, b]
  missing: ${missing}
  split: none
steps:
  - fit: { model: gaussian-nb }
`;
    const e = await failure(dir, yaml('error'));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("d.csv line 3: missing value in column 'r'");
    expect(e.message).toContain('(the column is data.define.r (c.yaml:4:');
    const ok = await run(dir, yaml('drop'));
    const flow = (ok.manifest.data as { cutflow: { nonFinite: Record<string, number>; train: number }[] }).cutflow[0]!;
    expect(flow.nonFinite).toEqual({ r: 1 });
    expect(flow.train).toBe(3);
  });

  it('a cut that removes every event of a sample names the sample and the cut', async () => {
    const dir = tempDir();
    const e = await failure(
      dir,
      `name: s
data:
  samples:
    - { path: ${repo('data/photon-jet-photons.parquet')}, class: photon }
    - { name: jets, path: ${repo('data/photon-jet-jets.parquet')}, class: jet, cut: "pt > 1e6" }
  features: [hoe, iso]
steps:
  - fit: { model: logistic }
`,
    );
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('data.samples[1].cut: the cuts remove every event of sample "jets" (9944 read from');
    expect(e.message).toContain('its cut "pt > 1e6" pass on none of them');
  });

  it('a glob that matches nothing, and files of one role with different columns', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.csv'), 'x,y,label\n1,2,a\n2,3,b\n3,1,a\n4,0,b\n');
    writeFileSync(join(dir, 'b.csv'), 'x,z,label\n1,2,a\n2,3,b\n');
    let e = await failure(dir, `name: g\ndata:\n  source: "sig_*.parquet"\n  label: label\nsteps:\n  - fit: { model: logistic }\n`);
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain('the pattern "sig_*.parquet" (data.source (c.yaml:3:11)) matches no file in');
    e = await failure(dir, `name: g\ndata:\n  source: [a.csv, b.csv]\n  label: label\nsteps:\n  - fit: { model: logistic }\n`);
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain(`${join(dir, 'b.csv')} has no column 'y' that ${join(dir, 'a.csv')} has`);
  });

  it('a Parquet column of text where a feature is required', async () => {
    const dir = tempDir();
    const parts: Uint8Array[] = [];
    await writeParquet(async (b) => void parts.push(b), { x: Float64Array.from([1, 2, 3, 4]), flavour: ['up', 'down', 'up', 'down'], label: ['a', 'b', 'a', 'b'] });
    writeFileSync(join(dir, 't.parquet'), Buffer.concat(parts));
    const e = await failure(dir, `name: p\ndata:\n  source: t.parquet\n  label: label\n  features: [x, flavour]\n  split: none\nsteps:\n  - fit: { model: logistic }\n`);
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("feature column 'flavour' of");
    expect(e.message).toContain("is categorical (2 values: 'down', 'up')");
  });

  it('samples: a role on some samples only, and a positive class no sample has, are config errors', () => {
    const text = `name: s
data:
  samples:
    - { path: a.parquet, class: sig, role: train }
    - { path: b.parquet, class: bkg }
  positive: signal
steps:
  - fit: { model: logistic }
`;
    let e: unknown;
    try {
      parseConfig(text, '/x/c.yaml', createRegistry());
    } catch (err) {
      e = err;
    }
    expect((e as Error).message).toContain('some samples say their role (train or test) and this one does not');
    expect((e as Error).message).toContain('the positive class "signal" is not the class of any sample ("sig", "bkg") → at data.positive (c.yaml:6:13)');
  });
});
