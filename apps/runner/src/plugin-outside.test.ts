import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, discern, expectUserError, tempDir } from './cli.test-helpers.js';

// A plugin next to a config outside the repository: Node resolves its imports from its own folder, where neither
// zod nor @discern/* is installed. The built command, as a user runs it.
const CSV = `a,b,label\n${Array.from({ length: 60 }, (_, i) => `${(i % 7) * 0.3 + (i % 2)},${(i % 5) * 0.2},${i % 2 ? 's' : 'b'}`).join('\n')}\n`;
const CONFIG = (plugin: string, step: string) =>
  `name: c\nplugins: [./${plugin}]\ndata: { source: d.csv, label: label, positive: s }\nsteps:\n  - fit: { model: gaussian-nb }\n  - ${step}: {}\nreport: { plots: false }\n`;

function folder(files: Record<string, string>): string {
  const dir = tempDir('discern-plugin-outside-');
  writeFileSync(join(dir, 'd.csv'), CSV);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('a plugin outside the repository', () => {
  it('the example plugin (the factory form) runs from a copy next to the config', async () => {
    const dir = folder({ 'c.yaml': CONFIG('class-balance.mjs', 'class-balance') });
    copyFileSync(join(REPO, 'docs', 'plugins', 'class-balance.mjs'), join(dir, 'class-balance.mjs'));
    const r = await discern(['run', 'c.yaml', '--out', 'run', '-q'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('discern schema allows a plugin step; given the config, it describes the plugin step\'s parameters too', async () => {
    const dir = folder({ 'c.yaml': CONFIG('class-balance.mjs', 'class-balance') });
    copyFileSync(join(REPO, 'docs', 'plugins', 'class-balance.mjs'), join(dir, 'class-balance.mjs'));
    type Branch = { propertyNames?: { not: { enum: string[] } }; properties?: Record<string, unknown> };
    const stepsOf = (stdout: string) => (JSON.parse(stdout) as { properties: { steps: { items: { anyOf: Branch[] } } } }).properties.steps.items.anyOf;
    const plain = await discern(['schema'], { cwd: dir });
    expect(plain.code, plain.stderr).toBe(0);
    const generic = stepsOf(plain.stdout).at(-1)!;
    // any other step name, as a plugin's: an object of one key, not a built-in step's name
    expect(generic.propertyNames!.not.enum).toContain('fit');
    expect(generic.propertyNames!.not.enum).not.toContain('class-balance');
    expect(stepsOf(plain.stdout).some((b) => b.properties?.['class-balance'])).toBe(false);
    const withConfig = await discern(['schema', 'c.yaml'], { cwd: dir });
    expect(withConfig.code, withConfig.stderr).toBe(0);
    expect(stepsOf(withConfig.stdout).some((b) => b.properties?.['class-balance'])).toBe(true);
    expect(stepsOf(withConfig.stdout).at(-1)!.propertyNames!.not.enum).toContain('class-balance');
    expectUserError(await discern(['schema', 'absent.yaml'], { cwd: dir }), 'FILE_NOT_FOUND');
  });

  it('one that imports @discern/* fails to load, saying how to get discern\'s modules', async () => {
    const dir = folder({ 'c.yaml': CONFIG('p.mjs', 'p'), 'p.mjs': "import { fig } from '@discern/pipeline';\nexport default fig;\n" });
    const r = await discern(['run', 'c.yaml', '--out', 'run'], { cwd: dir });
    expectUserError(r, 'PLUGIN_INVALID');
    expect(r.stderr).toContain("Cannot find package '@discern/pipeline'");
    expect(r.stderr).toContain('export default a function ({ z, core, pipeline }) => step');
  });

  it('one whose run throws, or returns NaN, is a coded error (exit 2) naming the plugin and the step', async () => {
    const plugin = (run: string) => `export default ({ z, pipeline: { fig } }) => ({ name: 'p', description: 'probe', params: z.strictObject({}), result: z.strictObject({ v: fig.value() }), run() { ${run} } });\n`;
    const thrown = await discern(['run', 'c.yaml', '--out', 'run'], { cwd: folder({ 'c.yaml': CONFIG('p.mjs', 'p'), 'p.mjs': plugin("throw new Error('boom');") }) });
    expectUserError(thrown, 'PLUGIN_FAILED');
    expect(thrown.stderr).toContain('plugin ./p.mjs, step 2 (p, at steps[1].p) failed: boom');
    const nan = await discern(['run', 'c.yaml', '--out', 'run'], { cwd: folder({ 'c.yaml': CONFIG('p.mjs', 'p'), 'p.mjs': plugin('return { v: NaN };') }) });
    expectUserError(nan, 'PLUGIN_FAILED');
    expect(nan.stderr).toContain('plugin ./p.mjs, step 2 (p, at steps[1].p) returned NaN at v');
  });
});
