import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { DiscernError } from '@discern/core';
import { type FigureKind } from '../figures.js';
import { type ConfigLock, type MetricEntry, lockMetrics } from './format.js';

/**
 * Artifacts whose bytes a seed fixes: the metrics, fitted models and score files. Not manifest.json (times,
 * absolute paths), not report.html or plots (times, renderer output).
 */
export function isDeterministicArtifact(path: string): boolean {
  return path === 'metrics.json' || /^models\/[^/]+\.json$/.test(path) || /^scores\/[^/]+\.csv$/.test(path);
}

/** A path relative to the lock's folder, with "/" separators on every platform. */
export function lockPath(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

interface ManifestLike {
  name: string;
  seed: number;
  config: { sha256: string };
  data: { files: { path: string; sha256: string }[] };
  artifacts: { path: string; sha256: string }[];
  /** What each figure of metrics.json is (absent in runs made before figures were tagged: every number a value). */
  figures?: Record<string, FigureKind>;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new DiscernError('IO_ERROR', `cannot read ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
}

/**
 * The lock entry of a finished run folder: its metrics (tolerances kept from `previous` where edited), the hashes
 * of its deterministic artifacts, of its config and of its data files (paths relative to `lockDir`).
 */
export function lockEntryFromRun(runDir: string, lockDir: string, previous?: Readonly<Record<string, MetricEntry>>): { entry: ConfigLock; metrics: unknown } {
  const metrics = readJson(join(runDir, 'metrics.json'));
  const manifest = readJson(join(runDir, 'manifest.json')) as ManifestLike;
  const artifacts: Record<string, string> = {};
  for (const a of manifest.artifacts) if (isDeterministicArtifact(a.path)) artifacts[a.path] = a.sha256;
  const data: Record<string, string> = {};
  for (const f of manifest.data.files) data[lockPath(lockDir, f.path)] = f.sha256;
  return {
    entry: { name: manifest.name, seed: manifest.seed, config_sha256: manifest.config.sha256, data, artifacts, metrics: lockMetrics(metrics, manifest.figures ?? {}, previous) },
    metrics,
  };
}
