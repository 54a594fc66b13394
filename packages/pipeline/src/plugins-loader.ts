import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as core from '@discern/core';
import { DiscernError } from '@discern/core';
import { z } from 'zod';
import { type PipelineConfig } from './config/load.js';
import { resolveConfigPath } from './data/files.js';
import { type PluginStep } from './step.js';
import { type StepRegistry } from './registry.js';

/**
 * Loads the local plugin modules a config names — only those paths, resolved against the config's folder, never
 * a package name looked up elsewhere. A plugin module runs code: a config with plugins must be trusted.
 * A module exports `default` (a step or a list of steps) and/or `steps` (a list). Either may instead be a function
 * of discern's own modules, `({ z, core, pipeline }) => step(s)`: a plugin written so needs no import of
 * `zod`, `@discern/core` or `@discern/pipeline`, and runs from any folder (an import resolves from the plugin's own
 * folder, where those packages are found only inside discern's repository or where they were installed).
 */
export interface PluginModules {
  /** The running discern's zod. */
  readonly z: typeof z;
  /** `@discern/core` (clopperPearson, DiscernError...). */
  readonly core: typeof core;
  /** `@discern/pipeline` (fig, defineStep...). */
  readonly pipeline: Record<string, unknown>;
}

const HOW_TO_IMPORT =
  'a plugin outside discern\'s repository cannot import zod or @discern/*: export default a function ({ z, core, pipeline }) => step, which gets discern\'s own modules (docs/plugins.md)';

export async function loadPlugins(plugins: readonly string[], dir: string, registry: StepRegistry): Promise<string[]> {
  const loaded: string[] = [];
  for (const p of plugins) {
    if (!p.startsWith('.') && !p.startsWith('/'))
      throw new DiscernError('PLUGIN_INVALID', `plugin ${JSON.stringify(p)}: give a file path (./my-steps.js), not a package name; plugins load only from the paths a config names`, { plugin: p });
    const path = resolveConfigPath({ dir } as Pick<PipelineConfig, 'dir'>, p);
    if (!existsSync(path)) throw new DiscernError('FILE_NOT_FOUND', `plugin module not found: ${path}`, { plugin: p, path });
    let mod: Record<string, unknown>;
    try {
      // A module namespace of unknown shape: what it exports is checked below and by the registry.
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const hint = /Cannot find (package|module) '(zod|@discern\/[^']*)'/.test(message) ? `; ${HOW_TO_IMPORT}` : '';
      throw new DiscernError('PLUGIN_INVALID', `plugin ${p} failed to load: ${message}${hint}`, { plugin: p, path }, { cause: e });
    }
    let exported: unknown[] = [];
    for (const x of [mod.default, mod.steps]) {
      if (typeof x !== 'function') {
        exported.push(x);
        continue;
      }
      // the factory form: handed discern's own modules (the index is imported here, lazily: it imports this file)
      const modules: PluginModules = { z, core, pipeline: (await import('./index.js')) as Record<string, unknown> };
      try {
        exported.push(await (x as (m: PluginModules) => unknown)(modules));
      } catch (e) {
        throw new DiscernError('PLUGIN_INVALID', `plugin ${p}: its exported function failed: ${e instanceof Error ? e.message : String(e)}`, { plugin: p, path }, { cause: e });
      }
    }
    exported = exported.flat().filter((x) => x !== undefined);
    if (exported.length === 0) throw new DiscernError('PLUGIN_INVALID', `plugin ${p} exports no steps: export default a step { name, description, params, run }, a list of them, or a function ({ z, core, pipeline }) => step(s)`, { plugin: p });
    for (const step of exported) registry.register(step as PluginStep, `plugin ${p}`);
    loaded.push(path);
  }
  return loaded;
}

/** The config's `plugins` key read without validating the rest (plugins must be registered before validation). */
export function pluginPathsOf(raw: unknown): string[] {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const p = (raw as { plugins?: unknown }).plugins;
    if (Array.isArray(p)) return p.filter((x): x is string => typeof x === 'string');
  }
  return [];
}
