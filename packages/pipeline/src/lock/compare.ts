import { type ConfigLock, type LeafValue, type LockEnvironment, type Lockfile, type MetricEntry, formatTolerance } from './format.js';

/** One figure that moved beyond its tolerance (or appeared, disappeared, or changed hash). */
export interface Drift {
  readonly config: string;
  /** A metric path, or `artifact <path>` for a hash. */
  readonly metric: string;
  /** undefined: not in the lock (new) / not in the run (gone). */
  readonly locked: LeafValue | undefined;
  readonly got: LeafValue | undefined;
  /** |got − locked| for numbers. */
  readonly delta?: number;
  readonly tolerance: string;
}

export interface Comparison {
  readonly drift: Drift[];
  /** Facts that explain drift without being drift: a changed config or data file, hashes not enforced. */
  readonly notes: string[];
  /** Metrics compared and found within tolerance. */
  readonly passed: number;
}

/** Whether `got` passes against the locked entry: |got − locked| ≤ max(abs, rel·|locked|), exact otherwise. */
export function withinTolerance(e: MetricEntry, got: LeafValue): boolean {
  const locked = e.value;
  if (typeof locked !== 'number' || typeof got !== 'number') return Object.is(locked, got) || locked === got;
  if (e.exact) return locked === got;
  const tol = Math.max(e.abs ?? 0, (e.rel ?? 0) * Math.abs(locked));
  return Math.abs(got - locked) <= tol;
}

/** Whether artifact hashes can be held to bit-identity: same platform and Node as the lock was made with. */
export function sameEnvironment(a: LockEnvironment, b: LockEnvironment): boolean {
  return a.platform === b.platform && a.node === b.node;
}

/** One line naming what differs between the lock's environment and this one, or undefined when nothing does. */
export function environmentNote(locked: LockEnvironment, now: LockEnvironment): string | undefined {
  const diffs: string[] = [];
  if (locked.platform !== now.platform) diffs.push(`platform ${locked.platform} → ${now.platform}`);
  if (locked.node !== now.node) diffs.push(`Node ${locked.node} → ${now.node}`);
  if (locked.discern !== now.discern) diffs.push(`discern ${locked.discern} → ${now.discern}`);
  const names = [...new Set([...Object.keys(locked.packages), ...Object.keys(now.packages)])].sort();
  for (const n of names) if (locked.packages[n] !== now.packages[n]) diffs.push(`${n} ${locked.packages[n] ?? '(none)'} → ${now.packages[n] ?? '(none)'}`);
  if (diffs.length === 0) return undefined;
  const hashes = sameEnvironment(locked, now) ? '' : '; artifact hashes are reported, not enforced, and metrics are held to their tolerances';
  return `note: the lock was made with a different environment (${diffs.join(', ')})${hashes}`;
}

/**
 * Compares a fresh run (as a lock entry) with the locked one. Metrics are held to their tolerances; a metric that
 * appeared or disappeared is drift; artifact hashes are drift only when `enforceHashes` (same platform and Node).
 */
export function compareConfig(config: string, locked: ConfigLock, got: ConfigLock, enforceHashes: boolean): Comparison {
  const drift: Drift[] = [];
  const notes: string[] = [];
  let passed = 0;
  for (const [metric, e] of Object.entries(locked.metrics)) {
    const g = got.metrics[metric];
    if (!g) {
      drift.push({ config, metric, locked: e.value, got: undefined, tolerance: formatTolerance(e) });
      continue;
    }
    if (withinTolerance(e, g.value)) {
      passed++;
      continue;
    }
    drift.push({
      config,
      metric,
      locked: e.value,
      got: g.value,
      ...(typeof e.value === 'number' && typeof g.value === 'number' ? { delta: Math.abs(g.value - e.value) } : {}),
      tolerance: formatTolerance(e),
    });
  }
  for (const [metric, g] of Object.entries(got.metrics)) {
    if (!(metric in locked.metrics)) drift.push({ config, metric, locked: undefined, got: g.value, tolerance: 'not in the lock' });
  }
  const artifacts = new Set([...Object.keys(locked.artifacts), ...Object.keys(got.artifacts)]);
  const changed: string[] = [];
  for (const a of [...artifacts].sort()) {
    const l = locked.artifacts[a];
    const g = got.artifacts[a];
    if (l === g) continue;
    if (enforceHashes) drift.push({ config, metric: `artifact ${a}`, locked: l?.slice(0, 12), got: g?.slice(0, 12), tolerance: 'sha256 identical' });
    else changed.push(a);
  }
  if (changed.length > 0) notes.push(`${config}: artifacts differ bit-wise from the lock (${changed.join(', ')}), not enforced across environments`);
  if (locked.config_sha256 !== got.config_sha256) notes.push(`${config}: the config file changed since the lock was made`);
  for (const [f, h] of Object.entries(locked.data)) {
    const g = got.data[f];
    if (g === undefined) notes.push(`${config}: no longer reads ${f}`);
    else if (g !== h) notes.push(`${config}: data file ${f} changed since the lock was made`);
  }
  for (const f of Object.keys(got.data)) if (!(f in locked.data)) notes.push(`${config}: now reads ${f}, not in the lock`);
  return { drift, notes, passed };
}

function show(v: LeafValue | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}

function showDelta(d: number | undefined): string {
  if (d === undefined) return '';
  return Number.isInteger(d) ? String(d) : d.toPrecision(3);
}

/** The drift table: config, metric, locked, got, |Δ|, tolerance. */
export function formatDriftTable(drift: readonly Drift[]): string[] {
  const head = ['config', 'metric', 'locked', 'got', '|Δ|', 'tolerance'];
  const rows = drift.map((d) => [d.config, d.metric, show(d.locked), show(d.got), showDelta(d.delta), d.tolerance]);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, j) => (j >= 2 && j <= 4 ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
}

/** What `--update` changes, one line per change: configs added or removed, metrics added, removed or changed, hashes. */
export function diffLocks(before: Lockfile | undefined, after: Lockfile): string[] {
  const lines: string[] = [];
  if (before) {
    const note = environmentNote(before.environment, after.environment);
    if (note) lines.push(`environment: ${note.replace(/^note: the lock was made with a different environment \((.*)\).*$/, '$1')}`);
  }
  const old = before?.configs ?? {};
  const keys = [...new Set([...Object.keys(old), ...Object.keys(after.configs)])].sort();
  for (const k of keys) {
    const a = old[k];
    const b = after.configs[k];
    if (!a && b) {
      lines.push(`+ ${k}: added (${Object.keys(b.metrics).length} metrics, ${Object.keys(b.artifacts).length} artifact hashes)`);
      continue;
    }
    if (a && !b) {
      lines.push(`- ${k}: removed`);
      continue;
    }
    if (!a || !b) continue;
    const changes: string[] = [];
    for (const [m, e] of Object.entries(b.metrics)) {
      const o = a.metrics[m];
      if (!o) changes.push(`  + ${m} = ${show(e.value)}`);
      else if (!Object.is(o.value, e.value)) changes.push(`  ~ ${m}: ${show(o.value)} → ${show(e.value)}`);
    }
    for (const [m, o] of Object.entries(a.metrics)) if (!(m in b.metrics)) changes.push(`  - ${m} (was ${show(o.value)})`);
    for (const p of [...new Set([...Object.keys(a.artifacts), ...Object.keys(b.artifacts)])].sort()) {
      if (a.artifacts[p] !== b.artifacts[p]) changes.push(`  ~ artifact ${p}: ${a.artifacts[p]?.slice(0, 12) ?? '(none)'} → ${b.artifacts[p]?.slice(0, 12) ?? '(none)'}`);
    }
    if (a.config_sha256 !== b.config_sha256) changes.push('  ~ config file changed');
    for (const f of [...new Set([...Object.keys(a.data), ...Object.keys(b.data)])].sort()) if (a.data[f] !== b.data[f]) changes.push(`  ~ data ${f}`);
    if (changes.length > 0) lines.push(`~ ${k}:`, ...changes);
  }
  return lines;
}
