import { closeSync, openSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { DiscernError, ioError, isInside } from '@discern/core';
import { display } from './cli-common.js';

/**
 * The checks every command makes on the paths it was given, before any work: an input is a readable file, an output
 * file or folder can be written where it was asked for. Each failure is a coded error naming the option as typed
 * (`--data x.csv is a folder`), never an errno and a stack trace found halfway through the work.
 */

/**
 * The longest name we accept for an output, in bytes: the file system's 255 less what a temporary sibling adds
 * (`.NAME.tmp-PID-RANDOM`, `.NAME.partial-PID-STAMP`), so the name of the temporary fits too.
 */
const NAME_MAX = 255 - 32;

function statOf(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (e) {
    // Absent, or a file on the way to it (reported by existingAncestor, naming that file).
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** `what` (an option as typed: `--data`) names a file that exists and can be read. */
export function checkInputFile(path: string, what: string): void {
  let stat;
  try {
    stat = statOf(path);
  } catch (e) {
    throw ioError(e, path, 'read', { option: what }).prefixed(`${what}: `);
  }
  if (!stat) throw new DiscernError('FILE_NOT_FOUND', `${what} ${display(path)} does not exist`, { file: path, option: what });
  if (stat.isDirectory()) throw new DiscernError('IO_ERROR', `${what} ${display(path)} is a folder; give a file`, { file: path, option: what });
  try {
    closeSync(openSync(path, 'r'));
  } catch (e) {
    throw ioError(e, path, 'read', { option: what }).prefixed(`${what}: `);
  }
}

/** The nearest folder at or above `path` that exists, or a coded error when the way to it passes through a file. */
function existingAncestor(path: string, what: string): string {
  let head = dirname(path);
  for (;;) {
    const s = (() => {
      try {
        return statOf(head);
      } catch (e) {
        throw ioError(e, head, 'use', { option: what }).prefixed(`${what}: `);
      }
    })();
    if (s) {
      if (!s.isDirectory()) throw new DiscernError('IO_ERROR', `${what} ${display(path)}: ${display(head)} is a file, not a folder`, { file: path, option: what });
      return head;
    }
    const up = dirname(head);
    if (up === head) return head;
    head = up;
  }
}

function checkName(path: string, what: string): void {
  for (let p = path; dirname(p) !== p; p = dirname(p))
    if (Buffer.byteLength(basename(p)) > NAME_MAX)
      throw new DiscernError('IO_ERROR', `${what} ${display(path)}: the name ${JSON.stringify(`${basename(p).slice(0, 40)}…`)} is too long for the file system (${Buffer.byteLength(basename(p))} bytes; at most ${NAME_MAX})`, { file: path, option: what });
}

/**
 * `what` names a file to be written: not a folder, in a folder that exists (commands that write one file do not
 * create folders, so a typo in the folder is caught rather than followed), with a name the file system takes.
 */
export function checkOutputFile(file: string, what: string): void {
  if (file.trim() === '') throw new DiscernError('USAGE', `${what} is empty; give a file name`, { option: what });
  const path = resolve(file);
  checkName(path, what);
  const s = statOf(path);
  if (s?.isDirectory()) throw new DiscernError('IO_ERROR', `${what} ${display(path)} is a folder; give a file name`, { file: path, option: what });
  const parent = existingAncestor(path, what);
  if (parent !== dirname(path)) throw new DiscernError('IO_ERROR', `${what} ${display(path)}: the folder ${display(dirname(path))} does not exist`, { file: path, option: what });
}

/** `what` names a folder to be created or replaced: not a file, no file on the way to it, a name that fits. */
export function checkOutputFolder(dir: string, what: string): void {
  if (dir.trim() === '') throw new DiscernError('USAGE', `${what} is empty; give a folder`, { option: what });
  const path = resolve(dir);
  checkName(path, what);
  const s = statOf(path);
  if (s && !s.isDirectory()) throw new DiscernError('IO_ERROR', `${what} ${display(path)} is a file, not a folder; give a folder for the run`, { file: path, option: what });
  existingAncestor(path, what);
}


/**
 * `what` names a run folder, which a run replaces whole (with --force, whatever it holds): besides checkOutputFolder,
 * never the current folder, the home folder or a folder above them (`--out . --force`, `--out ~ --force`).
 */
export function checkRunFolder(dir: string, what: string): void {
  const path = resolve(dir);
  checkOutputFolder(path, what);
  for (const [place, p] of [['the current folder', process.cwd()], ['your home folder', homedir()]] as const)
    if (isInside(p, path))
      throw new DiscernError('INVALID_ARGUMENT', `${what} ${display(path)} holds ${place} (${p}); a run replaces its whole folder, so choose a folder of its own (such as runs/<name>)`, {
        file: path,
        option: what,
      });
}
