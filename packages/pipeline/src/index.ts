export { ArtifactWriter } from './artifacts.js';
export type { ArtifactRecord } from './artifacts.js';
export { MAX_CONFIG_BYTES, formatIssues, loadConfig, parseConfig, readConfigFile } from './config/load.js';
export { checkPlan } from './config/plan.js';
export type { PlanIssue } from './config/plan.js';
export type { ConfigIssue, PipelineConfig, StepEntry } from './config/load.js';
export { applyOverrides, parseOverride } from './config/overrides.js';
export type { Override } from './config/overrides.js';
export { configSchema, dataSchema } from './config/schema.js';
export { formatPath, parsePath, parseYamlConfig } from './config/yaml-source.js';
export type { ConfigPath, SourceLocation, YamlSource } from './config/yaml-source.js';
export { RunContext, StepError } from './context.js';
export type { FittedModel, LogFn, ScoreSet, StepInfo } from './context.js';
export { loadData } from './data-loader.js';
export type { LoadedData, LoadOptions } from './data-loader.js';
export { checkDataFiles, dataInputs, resolveConfigPath } from './data/files.js';
export type { DataFileRecord } from './data/files.js';
export { InMemoryDataset, STREAM_BATCH, StreamedDataset, labelsOf } from './datasets.js';
export type { DatasetLabels, FeatureBatch, RunDataset, StreamOptions } from './datasets.js';
export { cleanupPartialRuns, inputsOf, prepareConfig, registryForConfig, removeStaleTemporaries, runFolderSibling, runPipeline } from './engine.js';
export type { PreparedConfig, PrepareOptions, RunOptions, RunResult, StepTiming } from './engine.js';
export { builtinModels, findModel } from './steps/fit/models/index.js';
export type { ModelSpec } from './steps/fit/models/spec.js';
export { defineStep } from './step.js';
export type { AnyStep, Made, Need, PlanAt, PluginStep, Step, StepPlan, StepReport } from './step.js';
export { fig, figureKinds } from './figures.js';
export type { FigureKind } from './figures.js';
export type { ClassScores, CutInput, OperatingPointInput, PlotInput, RocInput, ScoresInput, SpecInput } from './report/inputs.js';
export type { RunView } from './report/view.js';
export { StepRegistry } from './registry.js';
export { builtinStepMap, builtinSteps, createRegistry } from './steps/index.js';
export type { BuiltinStepName, StepParams, StepResult } from './steps/index.js';
export { configJsonSchema } from './json-schema.js';
export { environmentVersions } from './versions.js';
export { fileStem, starterConfig } from './init/starter.js';
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
export type { PluginModules } from './plugins-loader.js';
