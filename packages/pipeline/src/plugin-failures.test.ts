import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { runPipeline } from './engine.js';
import { fig } from './figures.js';
import { defineStep } from './step.js';
import { createRegistry } from './steps/index.js';
import { runConfig, runError, twoClassCsv } from './steps/steps.test-helpers.js';

// Plugins here use the factory form (no imports), so that they load from a temporary folder outside the repository.
const plugin = (name: string, result: string, run: string) =>
  `export default ({ z, pipeline: { fig } }) => ({ name: '${name}', description: 'probe', params: z.strictObject({}), result: ${result}, run(ctx, p) { ${run} } });\n`;
const VN = 'z.strictObject({ v: fig.value(), n: fig.count() })';

const CONFIG = (name: string) => `name: c
plugins: [./p.mjs]
data: { source: d.csv, label: label, positive: s }
steps:
  - fit: { model: gaussian-nb }
  - ${name}: {}
`;

const fail = (name: string, result: string, run: string) => runError(CONFIG(name), { 'd.csv': twoClassCsv(40, 3), 'p.mjs': plugin(name, result, run) });

describe('a failing plugin step is a coded error naming the plugin and the step, not an internal error', () => {
  it('a run that throws an Error or a string', async () => {
    const e = await fail('p-throw', VN, "throw new Error('boom from plugin');");
    expect(e.code).toBe('PLUGIN_FAILED');
    expect(e.message).toBe('plugin ./p.mjs, step 2 (p-throw, at steps[1].p-throw) failed: boom from plugin');
    expect(e.context).toMatchObject({ plugin: 'plugin ./p.mjs', step: 'p-throw', index: 1 });
    const s = await fail('p-str', VN, "throw 'a string';");
    expect(s.code).toBe('PLUGIN_FAILED');
    expect(s.message).toBe('plugin ./p.mjs, step 2 (p-str, at steps[1].p-str) failed: threw "a string"');
    const t = await fail('p-type', VN, 'return ctx.nothing.here;');
    expect(t.message).toMatch(/^plugin \.\/p\.mjs, step 2 \(p-type, at steps\[1\]\.p-type\) failed: TypeError: /);
  });

  it('a result its own schema refuses: the field, what was expected and what came', async () => {
    const e = await fail('p-bad', VN, "return { v: 'abc', n: 1, extra: 1 };");
    expect(e.code).toBe('PLUGIN_FAILED');
    expect(e.message).toMatch(/^plugin \.\/p\.mjs, step 2 \(p-bad, at steps\[1\]\.p-bad\) returned a result that does not match its result schema: at v expected a number or null, got "abc" \(and 1 more\)$/);
    expect(e.context).toMatchObject({ field: 'v', value: 'abc' });
    const t = await fail('p-type', 'z.strictObject({ n: z.number().int() })', "return { n: 'x' };");
    expect(t.message).toMatch(/at n expected number, got "x"$/);
  });

  it('NaN and ±Infinity are refused (metrics.json is JSON), null is kept where the schema allows it', async () => {
    const n = await fail('p-nan', VN, 'return { v: NaN, n: 1 };');
    expect(n.code).toBe('PLUGIN_FAILED');
    expect(n.message).toMatch(/^plugin \.\/p\.mjs, step 2 \(p-nan, at steps\[1\]\.p-nan\) returned NaN at v: metrics\.json is JSON, which has no NaN or Infinity/);
    const i = await fail('p-inf', 'z.object({ a: z.array(fig.value()) })', 'return { a: [1, -Infinity] };');
    expect(i.message).toMatch(/returned -Infinity at a\[1\]: /);
    const free = await fail('p-free', 'undefined', 'return { w: Infinity };');
    expect(free.message).toMatch(/returned Infinity at w: /);
    const ok = await runConfig(CONFIG('p-null'), { 'd.csv': twoClassCsv(40, 3), 'p.mjs': plugin('p-null', VN, 'return { v: null, n: 2 };') });
    expect(JSON.parse(readFileSync(join(ok.outDir, 'metrics.json'), 'utf8'))['p-null']).toEqual({ v: null, n: 2 });
  });

  it('a built-in step whose result its schema refuses is still an internal error (a bug in discern)', async () => {
    const registry = createRegistry().register(
      defineStep({ name: 'bad-builtin', description: 'probe', params: z.strictObject({}), result: z.strictObject({ v: fig.count() }), run: () => ({ v: 'x' }) as never }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'discern-plugfail-'));
    writeFileSync(join(dir, 'd.csv'), twoClassCsv(40, 3));
    writeFileSync(join(dir, 'c.yaml'), 'name: c\ndata: { source: d.csv, label: label, positive: s }\nsteps:\n  - bad-builtin: {}\nreport: { plots: false }\n');
    const e = await runPipeline(join(dir, 'c.yaml'), { outDir: join(dir, 'run'), registry }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(DiscernError);
    expect((e as Error).message).toMatch(/^step 1 \(bad-builtin\) returned a result that does not match its result schema/);
  });
});

describe('the example plugin runs from a folder outside the repository', () => {
  it('docs/plugins/class-balance.mjs copied next to a config in a temporary folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'discern-outside-'));
    cpSync(fileURLToPath(new URL('../../../docs/plugins/class-balance.mjs', import.meta.url)), join(dir, 'class-balance.mjs'));
    writeFileSync(join(dir, 'd.csv'), twoClassCsv(40, 3));
    writeFileSync(join(dir, 'c.yaml'), 'name: c\nplugins: [./class-balance.mjs]\ndata: { source: d.csv, label: label, positive: s }\nsteps:\n  - class-balance: {}\nreport: { plots: false }\n');
    const r = await runPipeline(join(dir, 'c.yaml'), { outDir: join(dir, 'run') });
    expect(r.metrics.class_balance).toBeDefined();
  });
});
