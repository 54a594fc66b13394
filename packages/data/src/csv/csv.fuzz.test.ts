import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isDiscernError } from '@discern/core';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../dataset.js';
import { parseCsv, readCsvFile } from './parse.js';
import { readCsvBatches } from './stream.js';

// Fuzzing the CSV readers (whole-file and streaming) and the Dataset built from what they read: random bytes and
// mutated valid files give a table or a DiscernError with a code, never a TypeError or a csv-parse error. Seeded,
// so CI sees the same cases every time; fast-check shrinks a failure and prints it.
const SEED = 20240608;
const RUNS = 1000;

const dir = mkdtempSync(join(tmpdir(), 'discern-csv-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let nFiles = 0;
function file(content: string | Uint8Array): string {
  const p = join(dir, `f${nFiles++}.csv`);
  writeFileSync(p, content);
  return p;
}

function coded(e: unknown): string {
  if (isDiscernError(e)) return e.code;
  throw e;
}

/** Whole-file read and Dataset (label `label` if present, the rest as features; categorical columns one-hot). */
function readAndBuild(text: string): string {
  let table;
  try {
    table = parseCsv(text, { source: 'fuzz.csv' });
  } catch (e) {
    return coded(e);
  }
  const names = table.columns.map((c) => c.name);
  for (const options of [{}, { label: names[names.length - 1]!, categorical: 'onehot' as const, missing: 'drop' as const }, { categorical: 'codes' as const, missing: 'keep' as const }]) {
    try {
      const ds = buildDataset(table, options);
      expect(ds.X.data.length).toBe(ds.X.rows * ds.X.cols);
      expect(ds.y.length).toBe(ds.X.rows);
    } catch (e) {
      coded(e);
    }
  }
  return 'ok';
}

/** Streams a file through readCsvBatches (columns: the header's first two names, or junk names). */
let streamedRows = 0;
async function stream(path: string, columns: string[]): Promise<string> {
  streamedRows = 0;
  try {
    let rows = 0;
    for await (const b of readCsvBatches(path, { columns, batchSize: 3, extra: columns.slice(0, 1) })) {
      expect(b.X.rows).toBe(b.lines.length);
      expect(b.startRow).toBe(rows);
      rows += b.X.rows;
    }
    streamedRows = rows;
    return 'ok';
  } catch (e) {
    return coded(e);
  }
}

const VALID = [
  'a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n',
  'x;y;class\n1,5;2;g\n"3";4;h\n',
  '\uFEFFid\tv1\tv2\tlabel\n1\t0.5\t-1e3\tA\n2\tNA\t?\tB\n3\t\t1\tA\n',
  'f1,f2,f3,label\n"1","2","3","a,b"\n4,5,6,"c""d"\r\n7,8,9,e\r\n',
  'eruptions,waiting\n3.6,79\n1.8,54\n3.333,74\n',
];

const csvChar = fc.constantFrom(',', ';', '\t', '"', '\n', '\r', ' ', 'a', 'b', '1', '0', '.', 'e', '-', '+', 'N', 'A', '?', 'NaN', 'inf', '\uFEFF', '\u0000', 'é');

/** Mutations of a valid file: delete, insert or replace a span; duplicate, drop or truncate a line. */
function mutate(text: string, ops: { kind: number; at: number; len: number; junk: string }[]): string {
  let t = text;
  for (const op of ops) {
    const pos = op.at % Math.max(1, t.length);
    const lines = t.split('\n');
    const i = op.at % lines.length;
    switch (op.kind % 6) {
      case 0:
        t = t.slice(0, pos) + t.slice(pos + 1 + (op.len % 6));
        break;
      case 1:
        t = t.slice(0, pos) + op.junk + t.slice(pos);
        break;
      case 2:
        t = t.slice(0, pos) + op.junk + t.slice(pos + op.junk.length);
        break;
      case 3:
        lines.splice(i, 0, lines[i]!);
        t = lines.join('\n');
        break;
      case 4:
        lines.splice(i, 1);
        t = lines.join('\n');
        break;
      default:
        t = t.slice(0, pos);
    }
  }
  return t;
}

const ops = fc.array(fc.record({ kind: fc.nat(), at: fc.nat(), len: fc.nat(), junk: fc.string({ unit: csvChar, maxLength: 6 }) }), { minLength: 1, maxLength: 4 });

describe('CSV fuzzing: only coded errors', () => {
  it('random bytes read whole and built into a Dataset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        readAndBuild(Buffer.from(bytes).toString('utf8'));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('mutated valid files read whole and built into a Dataset', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(fc.nat({ max: VALID.length - 1 }), ops, (k, o) => {
        const r = readAndBuild(mutate(VALID[k]!, o));
        outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
    // both outcomes are exercised
    expect(outcomes.get('ok')).toBeGreaterThan(100);
    expect(outcomes.get('DATA_INVALID')).toBeGreaterThan(100);
  });

  it('random bytes streamed from a file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        await stream(file(bytes), ['a', 'b']);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('mutated valid files streamed, agreeing with the whole-file reader on what is valid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: VALID.length - 1 }), ops, async (k, o) => {
        const text = mutate(VALID[k]!, o);
        const path = file(text);
        let columns: string[] = [];
        let rows = -1;
        try {
          const t = readCsvFile(path);
          columns = t.columns.filter((c) => c.kind === 'numeric' && c.missing === 0 && c.nonFinite === 0).map((c) => c.name);
          rows = t.nRows;
        } catch (e) {
          coded(e);
        }
        const r = await stream(path, columns.length > 0 ? columns : ['a', 'b']);
        // a file the whole-file reader accepts streams too, with the same rows
        if (columns.length > 0) expect([r, streamedRows]).toEqual(['ok', rows]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
