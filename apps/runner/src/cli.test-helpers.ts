import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const DATA = join(REPO, '..', 'shared', 'data');
const BIN = join(REPO, 'apps', 'runner', 'bin', 'discern.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `discern` command as a user would (the test target depends on the build). */
/**
 * Runs the built `discern` command as a user would (the test target depends on the build). Asynchronous on purpose:
 * a spawnSync would block the test worker, and vitest's worker calls time out after a minute of blocking.
 */
export function discern(args: readonly string[], options: { cwd?: string; timeout?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  return discernAsync(args, options);
}

export function tempDir(prefix = 'discern-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes files into a fresh temp folder and returns its path. */
export function writeFiles(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A user's mistake is reported once, coded, with no stack trace. */
export function expectUserError(r: CliResult, code: string): void {
  if (r.code !== 2 || !r.stderr.includes(`error ${code}:`) || /\n\s+at /.test(r.stderr)) {
    throw new Error(`expected exit 2 with "error ${code}:" and no stack, got exit ${r.code}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
  }
}

/**
 * `discern` without blocking the test worker's event loop (long spawnSync calls starve vitest's RPC): for the
 * slower commands such as reproduce.
 */
export function discernAsync(args: readonly string[], options: { cwd?: string; timeout?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`discern ${args.join(' ')} did not finish in ${options.timeout ?? 300_000} ms\nstderr:\n${stderr}`));
    }, options.timeout ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
