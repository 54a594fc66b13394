/**
 * Checks of an output file before any work (scoring a file, building and checking an export): a command that fails
 * only when it writes has done the work for nothing, and a raw EISDIR or ENOENT from the write is no message.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DiscernError, type NamedPath, assertNotInput, ioError, isDiscernError } from '@discern/core';

/** `e` (a file error about the path given as `option`) with the option named first, as a renamable template. */
export function aboutOption(e: unknown, option: string): DiscernError {
  if (!isDiscernError(e)) throw e;
  const message = e.message;
  return new DiscernError(e.code, (n) => `${n.option(option)}: ${message}`, { ...e.context, option }, { cause: e });
}

export interface OutputPathOptions {
  /** How the path was given, for OUTPUT_IS_INPUT messages ('--out'). */
  readonly what: string;
  /** The option name messages use (renamable: see DiscernError.renamed). */
  readonly option: string;
  /** Files the command reads: the output may be none of them (after following links; hard links too). */
  readonly inputs?: readonly NamedPath[];
}

/**
 * Refuses, as coded errors naming the option: an output that is one of the inputs (OUTPUT_IS_INPUT), a folder, a
 * path in a folder that does not exist or under a file, a name the file system does not take (IO_ERROR by ioError).
 */
export function checkOutputPath(path: string, o: OutputPathOptions): void {
  try {
    assertNotInput({ path, what: o.what, kind: 'file' }, o.inputs ?? []);
  } catch (e) {
    throw isDiscernError(e) ? new DiscernError(e.code, e.message, { ...e.context, option: o.option }, { cause: e }) : e;
  }
  const fail = (e: unknown) => aboutOption(ioError(e, path, 'write'), o.option);
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(e);
    let dir;
    try {
      dir = statSync(dirname(resolve(path)));
    } catch (e2) {
      // the folder is missing: said as "its folder does not exist" (ioError's ENOENT on a write)
      throw fail((e2 as NodeJS.ErrnoException).code === 'ENOENT' ? e : e2);
    }
    if (!dir.isDirectory()) throw fail(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
    return;
  }
  if (st.isDirectory()) throw fail(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
}
