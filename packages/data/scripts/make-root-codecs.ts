/**
 * Makes src/formats/__fixtures__/zmumu-lz4.root, zmumu-lzma.root and zmumu-zstd.root: uproot-Zmumu.root (zlib, as ROOT wrote it) with its
 * baskets recompressed by another algorithm ROOT writes, in place — each basket's zlib block replaced by an LZ4, LZMA
 * or ZSTD block in ROOT's own framing (a 9-byte header "L4"/"XZ"/"ZS" + method, compressed and uncompressed sizes;
 * LZ4 with the XXH64 checksum of its block), padded with zeros where it is shorter, so that no offset in the file
 * moves. A basket whose new block would be longer than the old keeps zlib (LZ4 compresses less than zlib, so
 * zmumu-lz4.root mixes both, as a file written with per-branch settings does). formats.test.ts reads each and
 * compares every value with the zlib file.
 *
 * Made once with the reference tools of each format (Debian's lz4, xz-utils and zstd), not by the tests:
 *     npx tsx --tsconfig tools/tsconfig.json packages/data/scripts/make-root-codecs.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { xxhash64 } from 'hyparquet/src/xxhash.js';

const here = (f: string) => fileURLToPath(new URL(`../src/formats/__fixtures__/${f}`, import.meta.url));
const source = fileURLToPath(new URL('../../../../shared/data/uproot-Zmumu.root', import.meta.url));

interface Branch {
  fName: string;
  fWriteBasket: number;
  fBasketSeek: ArrayLike<number>;
  fBasketBytes: ArrayLike<number>;
}

/** The raw LZ4 block of `data`, taken out of the frame the lz4 command writes (null: it does not compress). */
function lz4Block(data: Buffer): Buffer | null {
  const frame = execFileSync('lz4', ['-c', '-12', '--no-frame-crc', '-BD'], { input: data, maxBuffer: 1 << 26 });
  if (frame.readUInt32LE(0) !== 0x184d2204) throw new Error('not an LZ4 frame');
  const flg = frame[4]!;
  let pos = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + 1; // FLG, BD, content size, header checksum
  const parts: Buffer[] = [];
  for (;;) {
    const size = frame.readUInt32LE(pos);
    pos += 4;
    if (size === 0) break;
    if ((size & 0x80000000) !== 0) return null; // stored: the data does not compress
    parts.push(frame.subarray(pos, pos + size));
    pos += size + ((flg & 0x10) !== 0 ? 4 : 0);
  }
  if (parts.length !== 1) throw new Error(`${parts.length} LZ4 blocks: a basket is compressed as one`);
  return parts[0]!;
}

function header(tag: string, method: number, compressed: number, raw: number): Buffer {
  const h = Buffer.alloc(9);
  h.write(tag, 0, 'latin1');
  h[2] = method;
  h.writeUIntLE(compressed, 3, 3);
  h.writeUIntLE(raw, 6, 3);
  return h;
}

const CODECS: Record<string, (raw: Buffer) => Buffer | null> = {
  // ROOT's LZ4 block: header, XXH64 of the compressed block (big-endian), the block
  lz4: (raw) => {
    const block = lz4Block(raw);
    if (!block) return null;
    const sum = Buffer.alloc(8);
    sum.writeBigUInt64BE(BigInt.asUintN(64, xxhash64(new Uint8Array(block))));
    return Buffer.concat([header('L4', 4, block.length + 8, raw.length), sum, block]);
  },
  // ROOT's LZMA: an xz stream with a CRC32 check (liblzma's easy encoder), one LZMA2 chunk
  lzma: (raw) => {
    const xz = execFileSync('xz', ['--format=xz', '--check=crc32', '-6', '-T1', '-c'], { input: raw, maxBuffer: 1 << 26 });
    return Buffer.concat([header('XZ', 0, xz.length, raw.length), xz]);
  },
  // ROOT's ZSTD: one zstd frame
  zstd: (raw) => {
    const z = execFileSync('zstd', ['-c', '-q', '-19', '--no-check'], { input: raw, maxBuffer: 1 << 26 });
    return Buffer.concat([header('ZS', 1, z.length, raw.length), z]);
  },
};

async function main(): Promise<void> {
  const { openFile } = (await import('jsroot/io' as string)) as { openFile(p: string): Promise<{ readObject(n: string): Promise<{ fBranches: { arr: Branch[] } }> }> };
  const file = await openFile(source);
  const tree = await file.readObject('events');
  const original = readFileSync(source);
  for (const [name, compress] of Object.entries(CODECS)) {
    const out = Buffer.from(original);
    let replaced = 0, kept = 0;
    for (const b of tree.fBranches.arr) {
      for (let i = 0; i < b.fWriteBasket; i++) {
        const seek = b.fBasketSeek[i]!;
        const nbytes = out.readInt32BE(seek);
        const objlen = out.readInt32BE(seek + 6);
        const keylen = out.readInt16BE(seek + 14);
        const start = seek + keylen, end = seek + nbytes;
        if (end - start === objlen) continue; // stored uncompressed
        if (out.toString('latin1', start, start + 2) !== 'ZL') throw new Error(`basket ${i} of ${b.fName} is not zlib`);
        const csize = out.readUIntLE(start + 3, 3), usize = out.readUIntLE(start + 6, 3);
        if (9 + csize !== end - start || usize !== objlen) throw new Error(`basket ${i} of ${b.fName} holds several blocks`);
        const raw = inflateSync(out.subarray(start + 9, start + 9 + csize));
        const block = compress(raw);
        if (!block || block.length > end - start) {
          kept++;
          continue;
        }
        block.copy(out, start);
        out.fill(0, start + block.length, end);
        replaced++;
      }
    }
    writeFileSync(here(`zmumu-${name}.root`), out);
    console.log(`zmumu-${name}.root: ${replaced} baskets in ${name}, ${kept} kept in zlib`);
  }
}

await main();
