import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, discern, tempDir, writeFiles } from './cli.test-helpers.js';

const BIN = join(REPO, 'apps', 'runner', 'bin', 'discern.js');
const PLUGIN = fileURLToPath(new URL('./__fixtures__/plugins/slow-steps.mjs', import.meta.url));

/** A tiny config whose third step is a test plugin step (sleep, busy or explode). */
function config(step: string): string {
  return `name: interrupt
seed: 1
plugins: [${JSON.stringify(PLUGIN)}]
data:
  columns: [x1, x2, y]
  rows: [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 0], [0.2, 0.1, 1], [0.9, 0.8, 0]]
  label: y
  positive: 1
  split: none
steps:
  - fit: { model: logistic, solver: gd, learning_rate: 0.5, epochs: 200 }
  - predict: { on: [train] }
  - ${step}
  - evaluate: { on: [train] }
`;
}

/** Every file under a folder with the sha256 of its bytes: two equal snapshots mean a byte-identical folder. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Leftovers of a run in the folder that holds the run folder: temporary `.partial-` or `.old-` siblings. */
function leftovers(parent: string): string[] {
  return readdirSync(parent).filter((f) => f.includes('.partial-') || f.includes('.old-'));
}

/** Starts `discern run`, sends `signal` once stderr says `marker`, and resolves with the exit code and stderr. */
function runAndKill(args: string[], marker: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; killedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let killedAt = -1;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
      if (killedAt < 0 && stderr.includes(marker)) {
        killedAt = Date.now() - t0;
        child.kill(signal);
      }
    });
    child.stdout.resume();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the run did not end in time; stderr:\n${stderr}`));
    }, 60_000);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code, signal: sig, stderr, killedAfterMs: killedAt });
    });
  });
}

/** An earlier, complete run in <parent>/run, and the config to interrupt. */
async function earlierRun(step: string): Promise<{ parent: string; out: string; cfg: string; before: Record<string, string> }> {
  const dir = writeFiles({ 'interrupt.yaml': config(step) });
  const cfg = join(dir, 'interrupt.yaml');
  const parent = tempDir();
  const out = join(parent, 'run');
  const first = await discern(['run', cfg, '--out', out]);
  if (first.code !== 0) throw new Error(`the earlier run failed: ${first.stderr}`);
  return { parent, out, cfg, before: snapshot(out) };
}

describe('an interrupted run leaves the earlier run intact and no partial folder', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while a step is running`, async () => {
      const { parent, out, cfg, before } = await earlierRun('sleep: { ms: 0 }');
      expect(Object.keys(before)).toContain('metrics.json');
      const r = await runAndKill(['run', cfg, '--out', out, '--set', 'steps[2].sleep.ms=30000'], 'step sleep: started', signal);
      expect(r.killedAfterMs).toBeGreaterThan(0);
      expect(r.code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(r.stderr).toContain(`interrupted (${signal})`);
      expect(snapshot(out)).toEqual(before);
      expect(leftovers(parent)).toEqual([]);
    });
  }

  it('SIGTERM during a step that keeps the CPU busy: handled when the step returns, before anything is moved into place', async () => {
    const { parent, out, cfg, before } = await earlierRun('busy: { ms: 0 }');
    const r = await runAndKill(['run', cfg, '--out', out, '--set', 'steps[2].busy.ms=1500'], 'step busy: started', 'SIGTERM');
    expect(r.code).toBe(143);
    expect(snapshot(out)).toEqual(before);
    expect(snapshot(out)['busy.txt']).toBeDefined();
    expect(leftovers(parent)).toEqual([]);
  });

  it('a step that throws', async () => {
    const { parent, out, cfg, before } = await earlierRun('sleep: { ms: 0 }');
    const r = await discern(['run', cfg, '--out', out, '--set', 'steps[2]={explode: {}}']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('the explode step blew up');
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(parent)).toEqual([]);
  });
});
