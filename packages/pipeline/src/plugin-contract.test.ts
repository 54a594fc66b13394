import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lockEntryFromRun } from './lock/index.js';
import { runConfig, twoClassCsv } from './steps/steps.test-helpers.js';

// The example plugin of docs/plugins.md: a step with params, a tagged result, a plan and a report.
const PLUGIN = fileURLToPath(new URL('../../../docs/plugins/class-balance.mjs', import.meta.url));

const CONFIG = (steps: string) => `name: plug
seed: 1
plugins: [${JSON.stringify(PLUGIN)}]
data:
  source: d.csv
  label: label
  positive: s
  split: { test: 0.25, stratify: true }
steps:
${steps}`;

describe('a plugin step with the whole contract: result, key, plan and report', () => {
  it('its figures reach metrics.json, the lock (with the tolerance of their tags) and report.html', async () => {
    const r = await runConfig(CONFIG('  - class-balance: { on: [train, test] }\n'), { 'd.csv': twoClassCsv(100, 4) }, { plots: true });
    const m = JSON.parse(readFileSync(join(r.outDir, 'metrics.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    // 200 rows, stratified 25 % test: 150 train (75 per class), 50 test
    expect(m.class_balance.train.events).toBe(150);
    expect(m.class_balance.train.classes.s).toEqual({ events: 75, fraction: { value: 0.5, interval: [expect.any(Number), expect.any(Number)] } });
    const { lower, upper } = { lower: m.class_balance.train.classes.s.fraction.interval[0], upper: m.class_balance.train.classes.s.fraction.interval[1] };
    expect(lower).toBeLessThan(0.5);
    expect(upper).toBeGreaterThan(0.5);
    // the lock holds each figure to the tolerance of its tag: counts exact, fractions and their intervals rates
    const { entry } = lockEntryFromRun(r.outDir, r.dir);
    expect(entry.metrics['class_balance.train.events']).toEqual({ value: 150, exact: true });
    expect(entry.metrics['class_balance.test.classes.b.events']).toEqual({ value: 25, exact: true });
    expect(entry.metrics['class_balance.train.classes.s.fraction.value']).toEqual({ value: 0.5, abs: 1e-6, rel: 0 });
    expect(entry.metrics['class_balance.train.classes.s.fraction.interval[1]']).toMatchObject({ abs: 1e-6, rel: 0 });
    const html = readFileSync(join(r.outDir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Class balance</h2>');
    expect(html).toContain('class balance of train (150 events)');
    expect(r.summary).toContain('class-balance test: b 50.0 %, s 50.0 %');
  });

  it('its plan is checked by validation: a dataset no step makes is a config error with its line', async () => {
    await expect(runConfig(CONFIG('  - class-balance: { on: [train, valid] }\n'), { 'd.csv': twoClassCsv(10, 4) })).rejects.toThrow(
      /no dataset named "valid" exists at this step \(datasets so far: "train", "test"\); a split step makes new ones → at steps\[0\]\.class-balance\.on\[1\] \(c\.yaml:10:34\)/,
    );
  });
});
