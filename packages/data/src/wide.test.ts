import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvFile } from './csv/parse.js';
import { readCsvBatches, readDatasetBatches } from './csv/stream.js';
import { buildDataset } from './dataset.js';
import { stratifiedSplit } from './split.js';
import { describeTable, summary } from './summary.js';

// Wide files (issue 10, item 6): 20,000 columns took 2.5 s, 60,000 columns 11.7 s, 200,000 × 10 rows never finished,
// because each feature was looked up by a linear search (planFeatures) and each column's builder started with room
// for 1,024 rows. Every step a wide file goes through must be linear in the number of columns; the test measures the
// whole path at 50,000 and at 200,000 columns in one run and asserts the ratio of the times, not the times: linear
// is 4, quadratic 16.

const dir = mkdtempSync(join(tmpdir(), 'discern-wide-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function wideFile(columns: number, rows: number): string {
  const lines = [[...Array.from({ length: columns }, (_, j) => `f${j}`), 'label'].join(',')];
  for (let i = 0; i < rows; i++) lines.push([...Array.from({ length: columns }, (_, j) => ((i * 7 + j) % 1000) / 1000), i % 2 ? 'a' : 'b'].join(','));
  const path = join(dir, `wide-${columns}.csv`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** CPU milliseconds of each step on one file (CPU time: other processes on the machine do not count). */
async function loadAll(path: string): Promise<Record<string, number>> {
  const ms: Record<string, number> = {};
  let t = process.cpuUsage();
  const lap = (name: string) => {
    const d = process.cpuUsage(t);
    ms[name] = (d.user + d.system) / 1000;
    t = process.cpuUsage();
  };
  const table = readCsvFile(path);
  lap('readCsvFile');
  const ds = buildDataset(table, { label: 'label' });
  lap('buildDataset');
  const { train } = stratifiedSplit(ds, { test: 0.4, seed: 1 });
  lap('stratifiedSplit');
  summary(train);
  describeTable(table);
  lap('summary+describeTable');
  let cells = 0;
  for await (const b of readCsvBatches(path, { columns: ds.featureNames, batchSize: 5 })) cells += b.X.data.length;
  lap('readCsvBatches');
  for await (const b of readDatasetBatches(path, { label: 'label', classes: ds.classNames, encodings: ds.encodings!, batchSize: 5 })) cells += b.dataset.X.data.length;
  lap('readDatasetBatches');
  expect(cells).toBe(2 * ds.X.data.length);
  expect(train.X.cols).toBe(table.columns.length - 1);
  return ms;
}

describe('wide files', () => {
  it('load in time linear in the number of columns (200,000 against 50,000 columns, 10 rows)', async () => {
    const small = wideFile(50_000, 10);
    const large = wideFile(200_000, 10);
    await loadAll(wideFile(2_000, 10)); // warm-up: compiled code for both measurements
    const total = (m: Record<string, number>) => Object.values(m).reduce((x, y) => x + y, 0);
    const a = await loadAll(small);
    const b = await loadAll(large);
    const ratio = total(b) / total(a);
    const row = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ');
    console.log(`50,000 columns: ${total(a).toFixed(0)} ms CPU (${row(a)})`);
    console.log(`200,000 columns: ${total(b).toFixed(0)} ms CPU (${row(b)})`);
    console.log(`ratio ${ratio.toFixed(2)} (linear 4, quadratic 16)`);
    expect(ratio).toBeLessThan(8);
  });
});
