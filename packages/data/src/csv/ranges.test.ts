import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { dataFile } from '../testing.test-helpers.js';
import { planCsvRanges, readCsvBatches } from './stream.js';

// A CSV file cut into byte ranges of whole lines (for worker threads): each range read on its own gives, range after
// range, the rows, values and line numbers of the whole file; a file that cannot be cut at any line break is not.
const dir = mkdtempSync(join(tmpdir(), 'discern-ranges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rows(path: string, range?: Parameters<typeof readCsvBatches>[1]['range']) {
  const values: number[] = [];
  const lines: number[] = [];
  const starts: number[] = [];
  for await (const b of readCsvBatches(path, { columns: ['fLength', 'fDist'], extra: ['class'], batchSize: 500, ...(range ? { range } : {}) })) {
    values.push(...b.X.data);
    lines.push(...b.lines);
    starts.push(b.X.rows);
  }
  return { values, lines, starts };
}

describe('CSV byte ranges', () => {
  it('ranges of whole lines (CRLF, blank lines) read to the whole file, batch for batch with rowMultiple', async () => {
    const text = readFileSync(dataFile('magic04.csv'), 'utf8').replace(/\n/g, '\r\n').replace('\r\n0.0', '\r\n  \r\n0.0');
    const path = join(dir, 'm.csv');
    writeFileSync(path, text);
    const whole = await rows(path);
    const ranges = planCsvRanges(path, { parts: 8, minBytes: 50_000, rowMultiple: 500 })!;
    expect(ranges.length).toBeGreaterThan(4);
    expect(ranges[0]!.firstLine).toBe(2);
    const parts = { values: [] as number[], lines: [] as number[], starts: [] as number[] };
    for (const r of ranges) {
      const p = await rows(path, r);
      parts.values.push(...p.values);
      parts.lines.push(...p.lines);
      parts.starts.push(...p.starts);
    }
    expect(parts.values).toEqual(whole.values);
    expect(parts.lines).toEqual(whole.lines);
    expect(parts.starts).toEqual(whole.starts); // the same batches: every range but the last holds whole batches
  });

  it('is not planned for a file with a quote, a lone CR, gzip, or too small to share', () => {
    const base = readFileSync(dataFile('magic04.csv'), 'utf8');
    const quoted = join(dir, 'q.csv');
    writeFileSync(quoted, base.replace('0.0', '"0.0"'));
    const cr = join(dir, 'cr.csv');
    writeFileSync(cr, base.replace(/\n/g, '\r'));
    const gz = join(dir, 'g.csv.gz');
    writeFileSync(gz, gzipSync(base));
    for (const p of [quoted, cr, gz]) expect(planCsvRanges(p, { parts: 8, minBytes: 50_000 })).toBeUndefined();
    expect(planCsvRanges(dataFile('magic04.csv'), { parts: 8 })).toBeUndefined(); // 1.5 MB < 2 × 4 MiB
  });
});
