/**
 * The data files of a config: their paths (relative to the config's folder, globs expanded), the checks made of them
 * before a run, how they are read, and the records of what was read; and inConfigTerms, which says a data step's
 * errors as config keys.
 */
import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { type Table, expandPaths, expandPathsSync, hashFile } from '@discern/data';
import { DiscernError, type NamedPath, isDiscernError } from '@discern/core';
import { type PipelineConfig } from '../config/load.js';

export interface DataFileRecord {
  readonly role: 'source' | 'train' | 'test' | 'sample';
  /** The sample a file belongs to (samples only). */
  readonly sample?: string;
  readonly path: string;
  readonly sha256: string;
  readonly rows: number;
}

/** Paths in a config resolve relative to the config file's folder. */
export function resolveConfigPath(config: Pick<PipelineConfig, 'dir'>, p: string): string {
  return isAbsolute(p) ? p : resolve(config.dir, p);
}

/** A config's file key as a list (one file, or a list of files and globs). */
export function pathList(p: string | readonly string[] | undefined): string[] {
  return p === undefined ? [] : typeof p === 'string' ? [p] : [...p];
}

/** Each data-file key of a config (data.source, data.train, data.test, data.samples[i].path) that is given, with its patterns. */
function dataFileKeys(config: PipelineConfig): [key: string, patterns: string[]][] {
  const d = config.data;
  const keyed: [string, string | readonly string[] | undefined][] = [
    ...(['source', 'train', 'test'] as const).map((k): [string, string | readonly string[] | undefined] => [`data.${k}`, d[k]]),
    ...(d.samples ?? []).map((s, i): [string, string | readonly string[]] => [`data.samples[${i}].path`, s.path]),
  ];
  return keyed.filter((k): k is [string, string | readonly string[]] => k[1] !== undefined).map(([key, value]) => [key, pathList(value)]);
}

/**
 * Every data file a config reads, globs expanded as they stand now: for the checks made before a run (no output may
 * overwrite one of them). A glob that matches nothing here names no file (the run reports it).
 */
export function dataInputs(config: PipelineConfig): NamedPath[] {
  const name = basename(config.file);
  return dataFileKeys(config).flatMap(([key, patterns]) => expandPathsSync(patterns, config.dir).map((f) => ({ path: f, what: `${key} of ${name}` })));
}

/**
 * What `discern validate` checks of the data files without reading them: each pattern matches a file, each file
 * exists (a config error at its key, with where it is written, as a run would say).
 */
export async function checkDataFiles(config: PipelineConfig): Promise<void> {
  for (const [key, patterns] of dataFileKeys(config)) {
    const files = await inConfigTerms(config, () => expandPaths(patterns, config.dir, key));
    for (const f of files)
      if (!existsSync(f)) {
        const loc = config.where(key);
        throw new DiscernError('FILE_NOT_FOUND', `${f} does not exist (${key}${loc ? ` (${loc})` : ''}; a relative path is read from the config's folder ${config.dir})`, { file: f, configPath: key });
      }
  }
}

/** How data files are read: delimiter, missing-value texts, encoding, the longest line. */
export function readOptions(config: Pick<PipelineConfig, 'data'>): { delimiter?: string; missingValues?: readonly string[]; encoding: 'utf8' | 'latin1'; maxLineBytes: number } {
  const d = config.data;
  return {
    ...(d.delimiter !== undefined ? { delimiter: d.delimiter } : {}),
    ...(d.missing_values !== undefined ? { missingValues: d.missing_values } : {}),
    encoding: d.encoding,
    maxLineBytes: d.max_line_bytes,
  };
}

/**
 * The config key of an option of @discern/data's readers, for messages in the user's terms (`missingValues` →
 * `data.missing`). An option not listed keeps its API name.
 */
const DATA_OPTION_KEYS: Readonly<Record<string, string>> = {
  label: 'data.label',
  positive: 'data.positive',
  features: 'data.features',
  weight: 'data.weight',
  missing: 'data.missing',
  missingValues: 'data.missing_values',
  categorical: 'data.categorical',
  delimiter: 'data.delimiter',
  columns: 'data.columns',
  test: 'data.split.test',
  stratify: 'data.split.stratify',
  encoding: 'data.encoding',
  maxLineBytes: 'data.max_line_bytes',
  format: 'data.format',
  tree: 'data.tree',
};

/**
 * Runs a data step, saying its errors' options as config keys (with where they are written). `keys` overrides the
 * key of an option where the config gives it elsewhere (a sample's own tree: data.samples[1].tree).
 */
export async function inConfigTerms<T>(config: PipelineConfig, f: () => Promise<T> | T, keys: Readonly<Record<string, string>> = {}): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!isDiscernError(e)) throw e;
    const said = e.renamed({
      option: (o) => {
        // an option the data package names by its API name, or a config key already (data.samples[1].path)
        const key = keys[o] ?? DATA_OPTION_KEYS[o] ?? (o.startsWith('data.') ? o : undefined);
        if (!key) return o;
        const loc = config.where(key);
        return loc ? `${key} (${loc})` : key;
      },
    });
    // with keys of its own, the message is final: an outer inConfigTerms would say the option at its default key again
    return Promise.reject(Object.keys(keys).length > 0 ? new DiscernError(said.code, said.message, said.context, { cause: e }) : said);
  }
}

export async function fileRecords(role: DataFileRecord['role'], sample: string | undefined, paths: readonly string[], table: Table): Promise<DataFileRecord[]> {
  const out: DataFileRecord[] = [];
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    const start = table.parts?.[k]?.start ?? 0;
    const end = table.parts?.[k + 1]?.start ?? table.nRows;
    out.push({ role, ...(sample !== undefined ? { sample } : {}), path, sha256: await hashFile(path), rows: paths.length === 1 ? table.nRows : end - start });
  }
  return out;
}

export function describeFiles(patterns: readonly string[]): string {
  return patterns.length === 1 ? patterns[0]! : `[${patterns.join(', ')}]`;
}
