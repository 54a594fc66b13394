export { ArtifactWriter } from './artifacts.js';
export type { ArtifactRecord } from './artifacts.js';
export { formatIssues, loadConfig, parseConfig } from './config/load.js';
export type { ConfigIssue, PipelineConfig, StepEntry } from './config/load.js';
export { applyOverrides, parseOverride } from './config/overrides.js';
export type { Override } from './config/overrides.js';
export { configSchema, dataSchema } from './config/schema.js';
export { formatPath, parseYamlConfig } from './config/yaml-source.js';
export type { ConfigPath, SourceLocation, YamlSource } from './config/yaml-source.js';
export { RunContext, StepError } from './context.js';
export type { FittedModel, LogFn, ScoreSet, StepInfo } from './context.js';
export { loadData, resolveConfigPath, rowsOf } from './data-loader.js';
export type { DataFileRecord, LoadedData, LoadOptions } from './data-loader.js';
export { STREAM_BATCH, StreamedDataset, labelsOf } from './streamed.js';
export type { DatasetLabels, FeatureBatch, StreamOptions } from './streamed.js';
export { cleanupPartialRuns, prepareConfig, runPipeline } from './engine.js';
export type { PreparedConfig, PrepareOptions, RunOptions, RunResult, StepTiming } from './engine.js';
export { builtinModels, estimatorFromJSON, findModel } from './models/index.js';
export type { ModelSpec } from './models/spec.js';
export { defineStep } from './plugin.js';
export type { StepPlugin } from './plugin.js';
export { StepRegistry } from './registry.js';
export { builtinSteps, createRegistry } from './steps/index.js';
export { configJsonSchema } from './json-schema.js';
export { discernVersion, environmentVersions } from './versions.js';
export { starterConfig } from './init/starter.js';
export type { Starter, StarterOptions } from './init/starter.js';
export {
  compareConfig,
  diffLocks,
  emptyLock,
  environmentNote,
  flattenMetrics,
  formatDriftTable,
  formatTolerance,
  isDeterministicArtifact,
  lockEntryFromRun,
  lockMetrics,
  lockPath,
  metricKind,
  parseLock,
  sameEnvironment,
  serializeLock,
  withinTolerance,
  DEFAULT_TOLERANCE,
  LOCK_FORMAT,
  LOCK_VERSION,
  TOLERANCE_RULE,
} from './lock/index.js';
export type { Comparison, ConfigLock, Drift, LeafValue, LockEnvironment, Lockfile, MetricEntry, MetricKind } from './lock/index.js';
