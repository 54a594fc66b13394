import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { DiscernError, type ErrorContext } from './errors.js';

/**
 * Files, written the one way discern writes them: into a temporary file beside the target, renamed onto it only
 * when complete, so that a reader never sees half a file and a failure or an interrupt leaves the old file (or
 * nothing). Temporary files and folders in flight are tracked, so that a signal handler removes them before the
 * process exits (`removeTemporaries`). File-system errors become coded errors that say what was wrong with the path
 * (`ioError`), and `assertNotInput` refuses an output that would overwrite or delete a file the command reads.
 */

const temporaries = new Set<string>();

/** Tracks a temporary file or folder of this process until it is renamed into place or removed. */
export function trackTemporary(path: string): void {
  temporaries.add(path);
}

export function untrackTemporary(path: string): void {
  temporaries.delete(path);
}

/** Removes every temporary file and folder still tracked (synchronously: it runs in signal handlers). */
export function removeTemporaries(): string[] {
  const removed = [...temporaries];
  for (const t of removed) rmSync(t, { recursive: true, force: true });
  temporaries.clear();
  return removed;
}

/** A temporary name beside `path` (the same folder, so the final rename is atomic on one file system). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

export interface WrittenFile {
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Writes `path` atomically, piece by piece (`produce` calls `write` with each piece, in order): a file of millions
 * of rows is never one string. Returns its size and sha256.
 */
export function writeFileAtomic(path: string, produce: string | Uint8Array | ((write: (chunk: string | Uint8Array) => void) => void)): WrittenFile {
  const tmp = temporaryPathFor(path);
  const hash = createHash('sha256');
  let bytes = 0;
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw ioError(e, path, 'write');
  }
  trackTemporary(tmp);
  try {
    const write = (chunk: string | Uint8Array) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let off = 0; off < buf.byteLength; ) off += writeSync(fd, buf, off);
      hash.update(buf);
      bytes += buf.byteLength;
    };
    if (typeof produce === 'function') produce(write);
    else write(produce);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
    untrackTemporary(tmp);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    untrackTemporary(tmp);
    throw e instanceof DiscernError ? e : ioError(e, path, 'write');
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** `writeFileAtomic` for producers that await (an ONNX session's outputs, a stream). */
export async function writeFileAtomicAsync(path: string, fill: (write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>): Promise<WrittenFile> {
  const tmp = temporaryPathFor(path);
  const hash = createHash('sha256');
  let bytes = 0;
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, 'w');
  } catch (e) {
    throw ioError(e, path, 'write');
  }
  trackTemporary(tmp);
  try {
    const handle = fh;
    await fill(async (chunk) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      await handle.write(buf);
      hash.update(buf);
      bytes += buf.byteLength;
    });
    await handle.close();
    fh = undefined;
    await rename(tmp, path);
    untrackTemporary(tmp);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true });
    untrackTemporary(tmp);
    throw e instanceof DiscernError ? e : ioError(e, path, 'write');
  }
  return { bytes, sha256: hash.digest('hex') };
}

const WHY: Record<string, string> = {
  EISDIR: 'it is a folder; give a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the name is too long for the file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EEXIST: 'it exists already',
  ELOOP: 'too many symbolic links (a link that points to itself?)',
  EMFILE: 'too many open files',
  EBUSY: 'it is in use',
  EINVAL: 'the path is not valid here',
};

/**
 * A file-system error as a coded error naming the path and what was wrong with it (not the errno): FILE_NOT_FOUND
 * for a missing file, IO_ERROR otherwise. `action` is what was being done: 'read', 'write', 'create the folder'...
 */
export function ioError(e: unknown, path: string, action: string, context: ErrorContext = {}): DiscernError {
  if (e instanceof DiscernError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' && action === 'read') return new DiscernError('FILE_NOT_FOUND', `${path} does not exist`, { file: path, ...context }, { cause: e });
  const why = (code && WHY[code]) ?? (code === 'ENOENT' ? 'its folder does not exist' : (e instanceof Error ? e.message : String(e)));
  return new DiscernError('IO_ERROR', `cannot ${action} ${path}: ${why}`, { file: path, ...(code ? { errno: code } : {}), ...context }, { cause: e });
}

/**
 * A file opened for reading whose every file-system error is coded: ioError naming the path as the user wrote it
 * (FILE_NOT_FOUND, or IO_ERROR saying what was wrong: a folder, no permission...). Only the calls on the file are
 * mapped; what the caller throws between them passes as it is. Use `InputFile.use` so the file is always closed.
 */
export class InputFile {
  private constructor(
    readonly fd: number,
    /** The path as the user wrote it, for messages. */
    readonly path: string,
  ) {}

  static open(path: string, shown = path): InputFile {
    try {
      return new InputFile(openSync(path, 'r'), shown);
    } catch (e) {
      throw ioError(e, shown, 'read');
    }
  }

  /** Opens the file, hands it to `f` and closes it, whatever `f` does. */
  static use<T>(path: string, f: (file: InputFile) => T, shown = path): T {
    const file = InputFile.open(path, shown);
    try {
      return f(file);
    } finally {
      file.close();
    }
  }

  /** Size in bytes; a folder is an IO_ERROR ('it is a folder, not a file'). */
  size(): number {
    try {
      const st = fstatSync(this.fd);
      if (st.isDirectory()) throw Object.assign(new Error('EISDIR: illegal operation on a directory'), { code: 'EISDIR' });
      return st.size;
    } catch (e) {
      throw ioError(e, this.path, 'read');
    }
  }

  /** Reads up to `length` bytes into buf at `offset`, from `position` (null: where the last read ended); 0 at the end. */
  read(buf: Uint8Array, offset: number, length: number, position: number | null): number {
    try {
      return readSync(this.fd, buf, offset, length, position);
    } catch (e) {
      throw ioError(e, this.path, 'read');
    }
  }

  /** Calls `f` with each chunk of at most `chunkBytes` from where the last read ended to the end (each a fresh buffer). */
  forEachChunk(f: (chunk: Buffer) => void, chunkBytes = 1 << 20): void {
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkBytes);
      const got = this.read(buf, 0, chunkBytes, null);
      if (got === 0) return;
      f(buf.subarray(0, got));
    }
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // a descriptor that will not close has nothing left to lose
    }
  }
}

/**
 * The real path of `p` after following links; for a path that does not exist yet, the real path of its nearest
 * existing ancestor with the rest appended (so `out/x.csv` compares right when `out` is a link).
 */
export function realPathOf(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = realpathSync(head);
      return rest.length > 0 ? join(real, ...rest.reverse()) : real;
    } catch {
      const parent = dirname(head);
      if (parent === head) return abs;
      rest.push(basename(head));
      head = parent;
    }
  }
}

function identity(p: string): { dev: number; ino: number } | undefined {
  try {
    const s = statSync(p);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return undefined;
  }
}

/** Whether two paths name the same file: the same device and inode (hard links too), or the same real path. */
export function sameFile(a: string, b: string): boolean {
  const x = identity(a), y = identity(b);
  if (x && y) return x.dev === y.dev && x.ino === y.ino;
  return realPathOf(a) === realPathOf(b);
}

/** Whether `inner` is `outer` or lies inside it, after following links. */
export function isInside(inner: string, outer: string): boolean {
  const i = realPathOf(inner), o = realPathOf(outer);
  return i === o || i.startsWith(o.endsWith(sep) ? o : o + sep);
}

export interface NamedPath {
  /** The path as the user gave it. */
  readonly path: string;
  /** How the user gave it: `--out`, `--data`, `data.source in magic.yaml`... */
  readonly what: string;
}

/**
 * Refuses an output that would overwrite a file the command reads (`kind: 'file'`), or a folder that would be
 * replaced while holding one (`kind: 'folder'`: a run folder replaced with --force), whatever `--force` says: the
 * error names both paths. Paths are compared after following links, and files by device and inode.
 */
export function assertNotInput(output: NamedPath & { readonly kind: 'file' | 'folder' }, inputs: readonly NamedPath[]): void {
  for (const input of inputs) {
    if (!existsSync(input.path)) continue;
    const clash = output.kind === 'file' ? sameFile(output.path, input.path) : isInside(input.path, output.path);
    if (clash)
      throw new DiscernError(
        'OUTPUT_IS_INPUT',
        output.kind === 'file'
          ? `${output.what} ${output.path} is the file read as ${input.what} (${input.path}); writing it would destroy the input: choose another output file`
          : `${output.what} ${output.path} holds ${input.what} (${input.path}); replacing the folder would delete it: choose another output folder`,
        { file: output.path, input: input.path },
      );
  }
}
