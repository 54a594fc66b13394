#!/usr/bin/env node
// The `discern` command. Its TypeScript sources compile to dist/. This repository installs with npm's install scripts
// off (.npmrc: ignore-scripts=true, see README "Development"), so `npm ci` does not build the workspace: in a clone,
// the first `discern` command does, once, exactly as `npm run build` would (tsc -b over every package).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) buildWorkspace();
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

/** Whether a process is alive (a build lock whose owner is gone is taken over). */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the workspace this command belongs to with its own TypeScript, one process at a time (commands started
 * together on a fresh clone wait for the first one's build instead of writing dist/ at the same time).
 */
function buildWorkspace() {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const config = `${root}tsconfig.build.json`;
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  if (!existsSync(config) || !existsSync(tsc)) {
    console.error('discern is not built: run `npm ci && npm run build` in the repository root.');
    process.exit(2);
  }
  mkdirSync(`${root}node_modules/.cache`, { recursive: true });
  const lock = `${root}node_modules/.cache/discern-build.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(`${lock}/pid`, String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(`${lock}/pid`, 'utf8'));
      } catch {
        // the owner has made the folder and not yet written its pid
      }
      if (Number.isInteger(owner) && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    if (existsSync(entry)) return; // built meanwhile by the process we waited for
    console.error('discern: building the workspace (npm run build) on its first use in this clone…');
    const r = spawnSync(process.execPath, [tsc, '-b', config], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(entry)) {
      process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
      console.error('discern: the build failed (above); fix it, or run `npm run build` to see it again.');
      process.exit(3);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
