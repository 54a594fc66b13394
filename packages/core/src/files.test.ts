import { existsSync, fstatSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isDiscernError } from './errors.js';
import { InputFile, assertNotInput, ioError, isInside, removeTemporaries, sameFile, trackTemporary, writeFileAtomic, writeFileAtomicAsync } from './files.js';

const dir = () => mkdtempSync(join(tmpdir(), 'discern-core-files-'));

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isDiscernError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('atomic writes', () => {
  it('write the whole content, return size and sha256, and leave no temporary file', async () => {
    const d = dir();
    const r = writeFileAtomic(join(d, 'a.txt'), (w) => {
      w('hello ');
      w(Buffer.from('world'));
    });
    expect(readFileSync(join(d, 'a.txt'), 'utf8')).toBe('hello world');
    expect(r).toEqual({ bytes: 11, sha256: createHash('sha256').update('hello world').digest('hex') });
    const r2 = await writeFileAtomicAsync(join(d, 'b.bin'), async (w) => w(new Uint8Array([1, 2, 3])));
    expect(r2.bytes).toBe(3);
    expect(readdirSync(d).sort()).toEqual(['a.txt', 'b.bin']);
  });
  it('a producer that throws leaves the old file and no temporary', () => {
    const d = dir();
    writeFileSync(join(d, 'a.txt'), 'old');
    expect(() =>
      writeFileAtomic(join(d, 'a.txt'), (w) => {
        w('new');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(readFileSync(join(d, 'a.txt'), 'utf8')).toBe('old');
    expect(readdirSync(d)).toEqual(['a.txt']);
  });
  it('file-system errors are coded and say what was wrong with the path', () => {
    const d = dir();
    writeFileSync(join(d, 'file'), 'x');
    expect(codeOf(() => writeFileAtomic(join(d, 'file', 'x.csv'), 'a'))).toMatch(/^IO_ERROR: cannot write .*file\/x\.csv: a part of the path is a file, not a folder$/);
    expect(codeOf(() => writeFileAtomic(join(d, 'nope', 'x.csv'), 'a'))).toMatch(/its folder does not exist/);
    expect(codeOf(() => writeFileAtomic(join(d, 'x'.repeat(300)), 'a'))).toMatch(/the name is too long for the file system/);
    expect(ioError(Object.assign(new Error('x'), { code: 'ENOENT' }), 'a.csv', 'read').format()).toBe('FILE_NOT_FOUND: a.csv does not exist');
    expect(ioError(Object.assign(new Error('x'), { code: 'EISDIR' }), 'd', 'read').format()).toBe('IO_ERROR: cannot read d: it is a folder; give a file');
  });
  it('removeTemporaries removes what is tracked', () => {
    const d = dir();
    mkdirSync(join(d, 'partial'));
    writeFileSync(join(d, 'partial', 'x'), 'x');
    trackTemporary(join(d, 'partial'));
    expect(removeTemporaries()).toEqual([join(d, 'partial')]);
    expect(existsSync(join(d, 'partial'))).toBe(false);
  });
});

describe('InputFile: reading with coded errors', () => {
  it('reads at a position and chunk by chunk to the end, and says the size', () => {
    const d = dir();
    const path = join(d, 'data.bin');
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    writeFileSync(path, bytes);
    const chunks = InputFile.use(path, (f) => {
      expect(f.size()).toBe(1000);
      const head = Buffer.alloc(4);
      expect(f.read(head, 0, 4, 500)).toBe(4);
      expect([...head]).toEqual([...bytes.subarray(500, 504)]);
      const got: Buffer[] = [];
      f.forEachChunk((c) => got.push(c), 300);
      return got;
    });
    expect(chunks.map((c) => c.length)).toEqual([300, 300, 300, 100]);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('a missing file, a folder: coded errors naming the path as the user wrote it', () => {
    const d = dir();
    expect(codeOf(() => InputFile.open(join(d, 'none.csv'), 'none.csv'))).toBe('FILE_NOT_FOUND: none.csv does not exist');
    expect(codeOf(() => InputFile.use(d, (f) => f.size(), 'the-folder'))).toBe('IO_ERROR: cannot read the-folder: it is a folder; give a file');
    expect(codeOf(() => InputFile.use(d, (f) => f.read(Buffer.alloc(1), 0, 1, null), 'the-folder'))).toMatch(/^IO_ERROR: cannot read the-folder: /);
  });

  it('use closes the file whatever the callback does, and passes its error on as it is', () => {
    const d = dir();
    const path = join(d, 'a.txt');
    writeFileSync(path, 'abc');
    let fd = -1;
    const mine = new Error('the caller failed');
    expect(() =>
      InputFile.use(path, (f) => {
        fd = f.fd;
        throw mine;
      }),
    ).toThrow(mine);
    expect(() => fstatSync(fd)).toThrow(/EBADF/);
  });
});

describe('an output never destroys an input', () => {
  it('the same file by path, through a symbolic link, or a hard link', () => {
    const d = dir();
    writeFileSync(join(d, 'x.csv'), 'a,b\n');
    symlinkSync(join(d, 'x.csv'), join(d, 'link.csv'));
    linkSync(join(d, 'x.csv'), join(d, 'hard.csv'));
    expect(sameFile(join(d, 'x.csv'), join(d, '.', 'x.csv'))).toBe(true);
    expect(sameFile(join(d, 'link.csv'), join(d, 'x.csv'))).toBe(true);
    expect(sameFile(join(d, 'hard.csv'), join(d, 'x.csv'))).toBe(true);
    expect(sameFile(join(d, 'other.csv'), join(d, 'x.csv'))).toBe(false);
    for (const out of ['x.csv', 'link.csv', 'hard.csv'])
      expect(codeOf(() => assertNotInput({ path: join(d, out), what: '--out', kind: 'file' }, [{ path: join(d, 'x.csv'), what: '--data' }]))).toMatch(
        /^OUTPUT_IS_INPUT: --out .* is the file read as --data \(.*x\.csv\); writing it would destroy the input/,
      );
    expect(codeOf(() => assertNotInput({ path: join(d, 'scores.csv'), what: '--out', kind: 'file' }, [{ path: join(d, 'x.csv'), what: '--data' }]))).toBe('no error');
  });
  it('a folder to be replaced that holds an input, also through a link to the folder', () => {
    const d = dir();
    mkdirSync(join(d, 'proj'));
    writeFileSync(join(d, 'proj', 'cfg.yaml'), 'name: x');
    symlinkSync(join(d, 'proj'), join(d, 'alias'));
    expect(isInside(join(d, 'proj', 'cfg.yaml'), join(d, 'alias'))).toBe(true);
    expect(isInside(join(d, 'projx', 'cfg.yaml'), join(d, 'proj'))).toBe(false);
    expect(codeOf(() => assertNotInput({ path: join(d, 'alias'), what: '--out', kind: 'folder' }, [{ path: join(d, 'proj', 'cfg.yaml'), what: 'the config' }]))).toMatch(
      /^OUTPUT_IS_INPUT: --out .*alias holds the config .*; replacing the folder would delete it/,
    );
    expect(codeOf(() => assertNotInput({ path: join(d, 'runs', 'x'), what: '--out', kind: 'folder' }, [{ path: join(d, 'proj', 'cfg.yaml'), what: 'the config' }]))).toBe('no error');
  });
});
