/* global require, module, process, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- nx loads this plugin as CommonJS */
// An nx inference plugin: one project per pipeline config (configs/**/*.yaml), each with a `reproduce` target that
// re-runs the config and compares it with discern.lock.json. Its inputs are the config, the files it reads (data and
// plugin modules), the lock, and (through the dependency on the runner) the production sources of every package
// the runner is built from, so
//
//   nx affected -t reproduce      re-runs only the configs whose inputs changed, and
//   nx run-many -t reproduce      takes unchanged configs from nx's cache.
//
// Data beside the repository (../shared/data) is outside nx's file map: a runtime input hashes it (`hash` below).
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, isAbsolute, join, relative, resolve, sep } = require('node:path');

const GLOB = 'configs/**/*.{yaml,yml}';
const RUNNER = 'runner';

/** The files a config reads: data.source/train/test and plugins, resolved against the config's folder. */
function filesOf(configFile, root) {
  const { parse } = require('yaml');
  let raw;
  try {
    raw = parse(readFileSync(join(root, configFile), 'utf8'), { logLevel: 'silent' });
  } catch {
    return []; // a broken config is reported by `discern reproduce` itself
  }
  const dir = dirname(join(root, configFile));
  const out = [];
  const data = raw && typeof raw === 'object' ? raw.data : undefined;
  for (const k of ['source', 'train', 'test']) if (data && typeof data[k] === 'string') out.push(data[k]);
  if (raw && Array.isArray(raw.plugins)) for (const p of raw.plugins) if (typeof p === 'string') out.push(p);
  return out.map((p) => (isAbsolute(p) ? p : resolve(dir, p)));
}

function projectName(configFile) {
  const rel = configFile.replace(/^configs\//, '').replace(/\.ya?ml$/, '');
  return `config-${rel.replace(/[^\w-]+/g, '-')}`;
}

function nodesFor(configFile, root) {
  const inside = [];
  const outside = [];
  for (const f of filesOf(configFile, root)) {
    const rel = relative(root, f);
    if (rel.startsWith('..') || isAbsolute(rel)) outside.push(f);
    else inside.push(`{workspaceRoot}/${rel.split(sep).join('/')}`);
  }
  const inputs = [`{workspaceRoot}/${configFile}`, '{workspaceRoot}/discern.lock.json', ...inside, '^production'];
  if (outside.length > 0) inputs.push({ runtime: `node tools/nx/discern-configs.cjs hash ${configFile}` });
  const name = projectName(configFile);
  return {
    projects: {
      // a root of its own per config (nx keys projects by root); no files live there
      [`configs/.nx/${name}`]: {
        name,
        tags: ['type:config'],
        implicitDependencies: [RUNNER],
        targets: {
          reproduce: {
            executor: 'nx:run-commands',
            options: { command: `node apps/runner/bin/discern.js reproduce ${configFile}`, cwd: '{workspaceRoot}' },
            dependsOn: [{ projects: [RUNNER], target: 'build' }],
            inputs,
            outputs: [],
            cache: true,
            metadata: { description: `re-run ${configFile} and compare it with discern.lock.json` },
          },
        },
      },
    },
  };
}

const createNodesFunction = async (configFiles, _options, context) => {
  const root = context.workspaceRoot;
  return configFiles.map((f) => [f, nodesFor(f, root)]);
};

module.exports = {
  name: 'discern-configs',
  createNodes: [GLOB, createNodesFunction],
  createNodesV2: [GLOB, createNodesFunction],
  // exported for the test
  filesOf,
  projectName,
};

// `node tools/nx/discern-configs.cjs hash <config>`: the runtime input, the sha256 of each file the config reads
// from outside the workspace (so a change to ../shared/data re-runs the configs that read it).
if (require.main === module && process.argv[2] === 'hash') {
  const root = resolve(__dirname, '..', '..');
  const lines = [];
  for (const f of filesOf(process.argv[3], root)) {
    const h = existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'missing';
    lines.push(`${h}  ${relative(root, f).split(sep).join('/')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
