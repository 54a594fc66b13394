import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, discern, tempDir } from './cli.test-helpers.js';
import { type ProgressState, progressEnabled, progressReporter, renderProgress } from './progress.js';

function state(label: string, phases: [string, number, number][], value?: number): ProgressState {
  return { label, phases: new Map(phases.map(([p, step, total]) => [p, { step, total }])), ...(value !== undefined ? { value } : {}) };
}

describe('progress bars', () => {
  it('render one line: label, bar, percentage, counts, current value', async () => {
    expect(renderProgress(state('fit model', [['epoch', 100, 200]], 0.412345678), 24)).toBe('fit model  [████████████░░░░░░░░░░░░]  50 %  epoch 100/200  0.41235');
    expect(renderProgress(state('fit model', [['iteration', 0, 1000]]), 10)).toBe('fit model  [░░░░░░░░░░]   0 %  iteration 0/1000');
    expect(renderProgress(state('fit m', [['epoch', 300, 200]], -1234567), 4)).toBe('fit m  [████] 100 %  epoch 300/200  -1.235e+6');
  });

  it('EM restarts wrap iterations: the restart count leads and drives the bar', async () => {
    // 1 of 4 restarts done, the second at iteration 50 of 100: (1 + 0.5) / 4
    const s = state('fit gmm', [['iteration', 50, 100], ['init', 1, 4]], -1.2345);
    expect(renderProgress(s, 8)).toBe('fit gmm  [███░░░░░]  38 %  restart 1/4 · iteration 50/100  -1.2345');
    expect(renderProgress(state('fit gmm', [['iteration', 100, 100], ['init', 4, 4]]), 8)).toMatch(/\[████████\] 100 %/);
  });

  it('are shown on a terminal only, never with --quiet or --json', async () => {
    expect(progressEnabled({ isTTY: true })).toBe(true);
    expect(progressEnabled({ isTTY: false })).toBe(false);
    expect(progressEnabled({ isTTY: true, quiet: true })).toBe(false);
    expect(progressEnabled({ isTTY: true, json: true })).toBe(false);
    const off = progressReporter(false);
    expect(off.factory('fit model')).toBeUndefined();
  });

  it('none when stderr is piped: a run writes nothing to stderr', async () => {
    const r = await discern(['run', 'configs/xor-mlp.yaml', '--out', tempDir()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it.runIf(existsSync('/usr/bin/script'))('drawn on a terminal (script gives the run a pseudo-terminal), and not with --quiet', () => {
    const bin = join(REPO, 'apps', 'runner', 'bin', 'discern.js');
    const tty = (extra: string) =>
      spawnSync('/usr/bin/script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} ${extra} run configs/xor-mlp.yaml --out ${JSON.stringify(tempDir())}`, '/dev/null'], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 120_000,
      }).stdout;
    expect(tty('')).toMatch(/fit model {2}\[[█░]+\] +\d+ % {2}epoch \d+\/2000/);
    expect(tty('--quiet')).not.toContain('epoch');
  });
});
