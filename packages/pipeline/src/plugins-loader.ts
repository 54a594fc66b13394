import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { DiscernError } from '@discern/core';
import { type PipelineConfig } from './config/load.js';
import { resolveConfigPath } from './data-loader.js';
import { type PluginStep } from './step.js';
import { type StepRegistry } from './registry.js';

/**
 * Loads the local plugin modules a config names — only those paths, resolved against the config's folder, never
 * a package name looked up elsewhere. A plugin module runs code: a config with plugins must be trusted.
 * A module exports `default` (a step or a list of steps) and/or `steps` (a list).
 */
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
      throw new DiscernError('PLUGIN_INVALID', `plugin ${p} failed to load: ${(e as Error).message}`, { plugin: p, path }, { cause: e });
    }
    const exported = [mod.default, mod.steps].flat().filter((x) => x !== undefined);
    if (exported.length === 0) throw new DiscernError('PLUGIN_INVALID', `plugin ${p} exports no steps: export default a step { name, description, params, run } or a list of them`, { plugin: p });
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
