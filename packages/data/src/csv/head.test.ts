import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readTextHead } from './files.js';

// The start of a text file for a look at its header: whole lines only when the file goes on, gzip'd or not.
const dir = mkdtempSync(join(tmpdir(), 'discern-head-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = Array.from({ length: 200 }, (_, i) => `${i},${(i * 0.37).toFixed(2)},é${i}`);
const text = `a,b,c\n${lines.join('\n')}\n`;

describe('readTextHead', () => {
  it('a file shorter than the limit: all of it, a last line without its newline included', async () => {
    const p = join(dir, 'short.csv');
    writeFileSync(p, 'a,b\n1,2');
    expect(await readTextHead(p, 1 << 10)).toBe('a,b\n1,2');
  });

  it('a longer file, plain or gzip\'d under any name: the whole lines within the limit', async () => {
    const plain = join(dir, 'long.csv');
    const gz = join(dir, 'long.csv.gz');
    const named = join(dir, 'gzipped-but-named.csv');
    writeFileSync(plain, text);
    writeFileSync(gz, gzipSync(text));
    writeFileSync(named, gzipSync(text));
    for (const limit of [7, 100, 1000, Buffer.byteLength(text) - 1]) {
      const inLimit = Buffer.from(text).subarray(0, limit).toString('utf8');
      const want = inLimit.slice(0, inLimit.lastIndexOf('\n') + 1);
      for (const p of [plain, gz, named]) expect(await readTextHead(p, limit), `${p} at ${limit}`).toBe(want);
    }
    expect(await readTextHead(gz, Buffer.byteLength(text) + 5)).toBe(text);
  });

  it('a damaged gzip stream: the whole lines before the damage; a missing file or a folder: the file named', async () => {
    const bad = join(dir, 'cut.csv.gz');
    const z = gzipSync(text);
    writeFileSync(bad, z.subarray(0, Math.floor(z.length / 2)));
    const got = await readTextHead(bad, 1 << 20);
    expect(text.startsWith(got)).toBe(true);
    expect(got.endsWith('\n')).toBe(true);
    await expect(readTextHead(join(dir, 'none.csv'), 100)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: `${join(dir, 'none.csv')} does not exist` });
    const folder = join(dir, 'folder.csv');
    mkdirSync(folder);
    await expect(readTextHead(folder, 100)).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});
