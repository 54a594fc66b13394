export { compareConfig, diffLocks, environmentNote, formatDriftTable, sameEnvironment, withinTolerance } from './compare.js';
export type { Comparison, Drift } from './compare.js';
export { isDeterministicArtifact, lockEntryFromRun, lockPath } from './entry.js';
export {
  DEFAULT_TOLERANCE,
  LOCK_FORMAT,
  LOCK_VERSION,
  TOLERANCE_RULE,
  emptyLock,
  flattenMetrics,
  formatTolerance,
  lockMetrics,
  metricKind,
  parseLock,
  serializeLock,
  toleranceOf,
} from './format.js';
export type { ConfigLock, LeafValue, LockEnvironment, Lockfile, MetricEntry, MetricKind } from './format.js';
