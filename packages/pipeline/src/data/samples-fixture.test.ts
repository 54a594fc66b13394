import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ParquetColumnValues, readCsvFile, writeParquet } from '@discern/data';
import { describe, expect, it } from 'vitest';

// configs/photon-jet-samples.yaml reads the photons and the jets of data/photon-jet.csv from two Parquet files, one
// per process, as a physicist's samples come. They are made from the CSV by discern's own Parquet writer (snappy,
// row groups of 4,096 rows, no label column: a sample's class is said by the config); this test holds the committed
// files to that, byte for byte. Make them again with:  UPDATE_SAMPLES=1 npx vitest run packages/pipeline/src/data/samples-fixture.test.ts
const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

async function sampleBytes(label: string): Promise<Buffer> {
  const t = readCsvFile(repo('data/photon-jet.csv'));
  const labels = t.columns.find((c) => c.name === 'label')!;
  const rows: number[] = [];
  for (let r = 0; r < t.nRows; r++) if (labels.text(r) === label) rows.push(r);
  const columns: Record<string, ParquetColumnValues> = {};
  for (const c of t.columns) if (c.name !== 'label') columns[c.name] = Float64Array.from(rows, (r) => c.numeric![r]!);
  const parts: Uint8Array[] = [];
  await writeParquet(async (b) => void parts.push(b), columns, { rowGroupSize: 4096 });
  return Buffer.concat(parts);
}

describe('the samples of configs/photon-jet-samples.yaml', () => {
  it.each([
    ['photon', 'data/photon-jet-photons.parquet'],
    ['jet', 'data/photon-jet-jets.parquet'],
  ])('%s events are %s, made from data/photon-jet.csv', async (label, file) => {
    const bytes = await sampleBytes(label);
    if (process.env.UPDATE_SAMPLES === '1') writeFileSync(repo(file), bytes);
    expect(readFileSync(repo(file)).equals(bytes)).toBe(true);
  });
});
