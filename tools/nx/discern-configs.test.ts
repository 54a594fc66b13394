import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const plugin = createRequire(import.meta.url)('./discern-configs.cjs') as {
  createNodes: [string, (files: string[], options: unknown, context: { workspaceRoot: string }) => Promise<[string, { projects: Record<string, ProjectLike> }][]>];
};

interface ProjectLike {
  name: string;
  implicitDependencies: string[];
  targets: { reproduce: { options: { command: string }; inputs: (string | { runtime: string })[]; cache: boolean; dependsOn: unknown[] } };
}

describe('the nx plugin for configs', () => {
  it('makes one project per config with a cached reproduce target keyed on the config, its data, the lock and the sources', async () => {
    const files = readdirSync(`${ROOT}configs`).filter((f) => f.endsWith('.yaml')).map((f) => `configs/${f}`);
    const nodes = await plugin.createNodes[1](files, undefined, { workspaceRoot: ROOT });
    expect(plugin.createNodes[0]).toBe('configs/**/*.{yaml,yml}');
    const projects = nodes.flatMap(([, r]) => Object.values(r.projects));
    expect(projects.map((p) => p.name)).toEqual(files.map((f) => `config-${f.slice('configs/'.length, -'.yaml'.length)}`));
    expect(new Set(nodes.flatMap(([, r]) => Object.keys(r.projects))).size).toBe(files.length);

    const byName = new Map(projects.map((p) => [p.name, p]));
    const magic = byName.get('config-magic-mlp')!;
    expect(magic.implicitDependencies).toEqual(['runner']);
    const t = magic.targets.reproduce;
    expect(t.cache).toBe(true);
    expect(t.options.command).toBe('node apps/runner/bin/discern.js reproduce configs/magic-mlp.yaml');
    expect(t.inputs).toEqual(['{workspaceRoot}/configs/magic-mlp.yaml', '{workspaceRoot}/discern.lock.json', '^production', { runtime: 'node tools/nx/discern-configs.cjs hash configs/magic-mlp.yaml' }]);
    // data inside the workspace is a file input (nx affected sees a change to it)
    expect(byName.get('config-photon-jet')!.targets.reproduce.inputs).toContain('{workspaceRoot}/data/photon-jet.csv');
    // inline rows: nothing but the config, the lock and the sources
    expect(byName.get('config-nand-logistic')!.targets.reproduce.inputs).toEqual(['{workspaceRoot}/configs/nand-logistic.yaml', '{workspaceRoot}/discern.lock.json', '^production']);
  });

  it('the runtime input hashes the data a config reads from outside the workspace', () => {
    const out = execFileSync(process.execPath, ['tools/nx/discern-configs.cjs', 'hash', 'configs/magic-mlp.yaml'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/^[0-9a-f]{64} {2}\.\.\/shared\/data\/magic04\.csv\n$/);
  });
});
