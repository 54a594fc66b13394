import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { hashFileSync } from '@discern/data';
import { DiscernError, ioError, writeFileAtomic } from '@discern/core';

export interface ArtifactRecord {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Writes the files of one run. Every path must stay inside the run folder (no `..`, no absolute paths), every
 * write is atomic (temporary file, then rename), and each artifact's hash is recorded for the manifest.
 */
export class ArtifactWriter {
  private readonly records = new Map<string, ArtifactRecord>();

  constructor(readonly dir: string) {}

  /** Absolute path of an artifact, refusing anything that would land outside the run folder. */
  resolve(name: string): string {
    const full = resolve(this.dir, name);
    const rel = relative(this.dir, full);
    if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..') || resolve(full) !== full)
      throw new DiscernError('CONFIG_INVALID', `artifact path ${JSON.stringify(name)} is outside the run folder; give a plain relative file name such as "scores.csv"`, { name });
    return full;
  }

  write(name: string, content: string | Uint8Array): ArtifactRecord {
    return this.writeChunks(name, (write) => write(content));
  }

  /**
   * Writes a file piece by piece (`produce` calls `write` with each piece, in order), atomically and hashed (core's
   * writeFileAtomic): for large files (scores of millions of rows) that should never be one string in memory.
   */
  writeChunks(name: string, produce: (write: (chunk: string | Uint8Array) => void) => void): ArtifactRecord {
    const full = this.resolve(name);
    try {
      mkdirSync(dirname(full), { recursive: true });
    } catch (e) {
      throw ioError(e, dirname(full), 'create the folder');
    }
    const { bytes, sha256 } = writeFileAtomic(full, produce);
    const rec: ArtifactRecord = { path: relative(this.dir, full).split(sep).join('/'), bytes, sha256 };
    this.records.set(rec.path, rec);
    return rec;
  }

  /** JSON with a trailing newline; key order as given, so the same data gives the same bytes. */
  writeJson(name: string, value: unknown): ArtifactRecord {
    return this.write(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * Records a file that another writer put into the run folder itself (e.g. an atomic ONNX export or a streamed
   * score file), so the manifest lists and hashes it like every other artifact.
   */
  adopt(name: string): ArtifactRecord {
    const full = this.resolve(name);
    // hashed 1 MiB at a time: a streamed score file may be larger than is worth holding in memory
    const rec: ArtifactRecord = { path: relative(this.dir, full).split(sep).join('/'), bytes: statSync(full).size, sha256: hashFileSync(full) };
    this.records.set(rec.path, rec);
    return rec;
  }

  has(name: string): boolean {
    return this.records.has(name);
  }

  list(): ArtifactRecord[] {
    return [...this.records.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  path(name: string): string {
    return join(this.dir, name);
  }
}
