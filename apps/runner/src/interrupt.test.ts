import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, discern, tempDir, writeFiles } from './cli.test-helpers.js';
import { STOP_GRACE_MS } from './pool.js';

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

/**
 * The bound asserted on the time from a signal to the exit. The aim is under a second (the grace a fit gets to see
 * the flag is 400 ms); the bound is generous for a loaded CI machine, and each test prints the figure it measured.
 */
const BOUND_MS = 3000;

/** The lines of stderr that report an interrupt (there must be exactly one). */
function interruptLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('interrupted'));
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

interface Killed {
  readonly code: number | null;
  readonly stderr: string;
  /** When the signal was sent, after the start (ms); -1 if the marker never came. */
  readonly killedAfterMs: number;
  /** From the signal to the process's exit (ms). */
  readonly exitMs: number;
}

/**
 * Starts `discern`, sends `signal` `delayMs` after stderr says `marker` (and `again` more signals 50 ms apart, for a
 * repeated Ctrl-C), and resolves when it exits, with the time from the (first) signal to the exit.
 */
function runAndKill(args: string[], marker: string, signal: NodeJS.Signals, options: { delayMs?: number; again?: number } = {}): Promise<Killed> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let killedAt = -1;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let armed = false;
    const kill = () => {
      killedAt = Date.now();
      child.kill(signal);
      for (let k = 1; k <= (options.again ?? 0); k++) setTimeout(() => child.exitCode === null && child.kill(signal), 50 * k);
    };
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
      if (!armed && stderr.includes(marker)) {
        armed = true;
        setTimeout(kill, options.delayMs ?? 0);
      }
    });
    child.stdout.resume();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the run did not end in time; stderr:\n${stderr}`));
    }, 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const end = Date.now();
      resolve({ code, stderr, killedAfterMs: killedAt < 0 ? -1 : killedAt - t0, exitMs: killedAt < 0 ? -1 : end - killedAt });
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
      // One line says what was stopped and what was left.
      expect(interruptLines(r.stderr)).toEqual([`interrupted (${signal}) during step 3 (sleep): nothing was written; ${out} is unchanged`]);
      expect(snapshot(out)).toEqual(before);
      expect(leftovers(parent)).toEqual([]);
    });
  }

  it('SIGTERM during a step that keeps the CPU busy and checks nothing: stopped at once, nothing moved into place', async () => {
    const { parent, out, cfg, before } = await earlierRun('busy: { ms: 0 }');
    const r = await runAndKill(['run', cfg, '--out', out, '--set', 'steps[2].busy.ms=30000'], 'step busy: started', 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.exitMs).toBeLessThan(BOUND_MS);
    expect(snapshot(out)).toEqual(before);
    expect(snapshot(out)['busy.txt']).toBeDefined();
    expect(leftovers(parent)).toEqual([]);
  });

  it('a step that throws', async () => {
    const { parent, out, cfg, before } = await earlierRun('sleep: { ms: 0 }');
    const r = await discern(['run', cfg, '--out', out, '--set', 'steps[2]={explode: {}}']);
    // a plugin's failure is the plugin's (exit 2, PLUGIN_FAILED naming it), not an internal error of discern
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error PLUGIN_FAILED: plugin .*, step 3 \(explode, at steps\[2\]\.explode\) failed: the explode step blew up/);
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(parent)).toEqual([]);
  });
});

describe('Ctrl-C and SIGTERM stop any step within a second (measured from the signal to the exit)', () => {
  // Fits far longer than any test: they end only because they are interrupted. `--verbose` prints "data: ..." when
  // the data are loaded and the steps begin; the signal comes 700 ms later, inside the fit's loops. Two threads, so
  // that the fit's own worker threads are running too.
  const cases: { name: string; args: string[]; step: string; signal: NodeJS.Signals }[] = [
    {
      name: 'an MLP with a million epochs (MAGIC)',
      args: ['configs/magic-mlp.yaml', '--set', 'steps[1].fit.epochs=1000000', '--set', 'steps[1].fit.tol=0', '--set', 'steps[1].fit.n_iter_no_change=1000000'],
      step: 'step 2 (fit mlp)',
      signal: 'SIGINT',
    },
    {
      name: 'per-class GMMs with 1,000 restarts of 100,000 EM iterations (MAGIC)',
      args: ['configs/magic-gmm-likelihood.yaml', '--set', 'steps[1].fit.density={kind: gmm, n_components: 4, covariance_type: full, n_init: 1000, max_iter: 100000, tol: 0}'],
      step: 'step 2 (fit generative)',
      signal: 'SIGTERM',
    },
    {
      name: 'a Gaussian mixture with 1,000 restarts (Old Faithful)',
      args: ['configs/faithful-gmm.yaml', '--set', 'steps[0].fit.n_init=1000', '--set', 'steps[0].fit.max_iter=100000', '--set', 'steps[0].fit.tol=0'],
      step: 'step 1 (fit gmm)',
      signal: 'SIGINT',
    },
    {
      // the candidates' folds are fitted on the tune worker threads and on the calling thread, each checking the flag
      name: 'a grid search of boosted trees with 100,000 iterations a candidate (MAGIC)',
      args: ['configs/magic-tune.yaml', '--set', 'steps[0].tune.n_estimators=100000'],
      step: 'step 1 (tune bdt)',
      signal: 'SIGTERM',
    },
    {
      name: '5-fold cross-validation of an MLP with 100,000 epochs a fold (MAGIC)',
      args: ['configs/magic-cv.yaml', '--set', 'steps[0].crossvalidate.epochs=100000', '--set', 'steps[0].crossvalidate.tol=0', '--set', 'steps[0].crossvalidate.n_iter_no_change=100000'],
      step: 'step 1 (crossvalidate mlp)',
      signal: 'SIGINT',
    },
  ];
  for (const c of cases) {
    it(`${c.signal}: ${c.name}`, async () => {
      const parent = tempDir();
      const out = join(parent, 'run');
      const r = await runAndKill(['--verbose', '--threads', '2', 'run', ...c.args, '--out', out], 'data: ', c.signal, { delayMs: 700 });
      // --verbose says when the fit did not see the flag in time and its thread had to be terminated.
      console.log(`${c.name}: ${c.signal} → exit in ${r.exitMs} ms (${r.stderr.includes('its thread was terminated') ? 'thread terminated after the grace' : 'the fit saw the flag'})`);
      expect(r.code, r.stderr).toBe(c.signal === 'SIGINT' ? 130 : 143);
      expect(r.exitMs).toBeLessThan(BOUND_MS);
      // The fit's own loops saw the flag (within the 400 ms grace): its thread did not have to be terminated.
      expect(r.stderr).not.toContain('its thread was terminated');
      expect(interruptLines(r.stderr)).toEqual([`interrupted (${c.signal}) during ${c.step}: nothing was written; ${out} was not created`]);
      expect(readdirSync(parent)).toEqual([]);
    }, 120_000);
  }

  it('a plugin step that never checks anything (a busy loop): terminated after the grace; a second Ctrl-C at once', async () => {
    const { parent, out, cfg, before } = await earlierRun('busy: { ms: 0 }');
    const once = await runAndKill(['run', cfg, '--out', out, '--set', 'steps[2].busy.ms=60000'], 'step busy: started', 'SIGINT');
    const twice = await runAndKill(['run', cfg, '--out', out, '--set', 'steps[2].busy.ms=60000'], 'step busy: started', 'SIGINT', { again: 1 });
    console.log(`busy plugin step: SIGINT → exit in ${once.exitMs} ms; SIGINT twice (50 ms apart) → exit in ${twice.exitMs} ms`);
    for (const r of [once, twice]) {
      expect(r.code, r.stderr).toBe(130);
      expect(r.exitMs).toBeLessThan(BOUND_MS);
      expect(interruptLines(r.stderr)).toEqual([`interrupted (SIGINT) during step 3 (busy): nothing was written; ${out} is unchanged`]);
    }
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(parent)).toEqual([]);
  }, 120_000);

  it("a SIGKILLed run leaves its .partial- folder, which the next run into the same parent removes and says so", async () => {
    const { parent, out, cfg, before } = await earlierRun('busy: { ms: 0 }');
    const killed = await runAndKill(['run', cfg, '--out', out, '--set', 'steps[2].busy.ms=60000'], 'step busy: started', 'SIGKILL');
    expect(killed.code).toBe(null);
    const stale = leftovers(parent);
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatch(/^\.run\.partial-\d+-/);
    expect(snapshot(out)).toEqual(before);
    const next = await discern(['run', cfg, '--out', join(parent, 'other')]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`removed ${join(parent, stale[0]!)}: the temporary folder of an earlier run whose process`);
    expect(leftovers(parent)).toEqual([]);
  }, 120_000);
});

describe('an interrupted discern reproduce stops its runs and removes their folders before it exits', () => {
  /** Two configs whose runs sleep for a minute in a plugin step, in <dir>/configs. */
  function slowProject(): string {
    const dir = tempDir('discern-reproduce-interrupt-');
    mkdirSync(join(dir, 'configs'));
    for (const n of ['a', 'b']) writeFileSync(join(dir, 'configs', `${n}.yaml`), config('sleep: { ms: 60000 }').replace('name: interrupt', `name: slow-${n}`));
    return dir;
  }

  function alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** The runs under way: their temporary run folders, made by `discern run` inside reproduce's temporary folder. */
  function runningChildren(tmp: string): { pids: number[]; roots: string[] } {
    const roots = readdirSync(tmp).filter((f) => f.startsWith('discern-reproduce-'));
    const pids: number[] = [];
    for (const root of roots)
      for (const f of readdirSync(join(tmp, root))) {
        const m = /\.partial-(\d+)-/.exec(f);
        if (m && existsSync(join(tmp, root, f, 'sleep.txt'))) pids.push(Number(m[1]));
      }
    return { pids, roots };
  }

  for (const target of ['the parent alone', 'the whole process group (Ctrl-C in a terminal)'] as const) {
    it(`SIGINT to ${target}`, async () => {
      const dir = slowProject();
      // reproduce's temporary folder goes under TMPDIR: the test watches it for the runs and checks it is emptied.
      const tmp = tempDir('discern-tmp-');
      const group = target !== 'the parent alone';
      const child = spawn(process.execPath, [BIN, 'reproduce', '--update', '--workers', '2'], {
        cwd: dir,
        detached: group, // its own process group, which the test signals as a terminal's Ctrl-C would
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp },
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      child.stdout.resume();
      const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // Wait until both runs are in their sleeping step.
      let running = runningChildren(tmp);
      for (let waited = 0; running.pids.length < 2; waited += 50) {
        if (waited > 60_000) throw new Error(`the runs did not start; stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
        running = runningChildren(tmp);
      }
      const t0 = Date.now();
      if (group) process.kill(-child.pid!, 'SIGINT');
      else child.kill('SIGINT');
      const code = await closed;
      const exitMs = Date.now() - t0;
      console.log(`discern reproduce, SIGINT to ${target}: exit in ${exitMs} ms`);
      expect(code, stderr).toBe(130);
      expect(exitMs).toBeLessThan(BOUND_MS + STOP_GRACE_MS);
      // Its runs ended before it did, and nothing is left behind.
      expect(running.pids.filter(alive)).toEqual([]);
      expect(readdirSync(tmp)).toEqual([]);
      expect(existsSync(join(dir, 'discern.lock.json'))).toBe(false);
      expect(interruptLines(stderr)).toEqual([
        `interrupted (SIGINT) during discern reproduce: 2 runs stopped and 0 of 2 finished; the temporary run folders were removed and discern.lock.json is unchanged`,
      ]);
    }, 120_000);
  }
});
