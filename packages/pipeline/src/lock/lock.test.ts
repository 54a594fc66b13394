import { isDiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { compareConfig, diffLocks, environmentNote, formatDriftTable, withinTolerance } from './compare.js';
import { z } from 'zod';
import { fig, figureKinds } from '../figures.js';
import { type ConfigLock, type Lockfile, emptyLock, flattenMetrics, lockMetrics, metricKind, parseLock, serializeLock } from './format.js';

const METRICS = {
  model: {
    test: {
      n: 5706,
      weighted: false,
      positive: 'g',
      auc: 0.84961951981893,
      log_loss: 0.44682148896243484,
      confusion_matrix: { labels: ['h', 'g'], counts: [[1198, 808], [371, 3329]] },
      tpr_at_fpr: { '0.01': 0.07, '0.1': 0.4672150139017609 },
      signal_efficiency: { value: 0.9, interval: [0.88, 0.92] },
      nothing: null,
    },
  },
  fit: { mean_log_likelihood: -1.2012365957170654, iterations: 37 },
};

/** The result schema a step would declare for METRICS: every figure tagged. */
const SCHEMA = z.object({
  model: z.record(
    z.string(),
    z.object({
      n: fig.count(),
      weighted: fig.label(),
      positive: fig.label(),
      auc: fig.rate(),
      log_loss: fig.value(),
      confusion_matrix: z.object({ labels: z.array(fig.label()), counts: z.array(z.array(fig.count())) }),
      tpr_at_fpr: z.record(z.string(), fig.rate()),
      signal_efficiency: fig.estimate('rate'),
      nothing: fig.rate(),
    }),
  ),
  fit: z.object({ mean_log_likelihood: fig.value(), iterations: fig.count() }),
});
const KINDS = figureKinds(SCHEMA, METRICS);

const ENV = { platform: 'linux-x64', node: '20.20.2', discern: '0.1.0', packages: { '@discern/pipeline': '0.1.0' } };
const H = (c: string) => c.repeat(64);

function entry(metrics: unknown, artifacts: Record<string, string> = { 'metrics.json': H('a') }): ConfigLock {
  return { name: 'm', seed: 7, config_sha256: H('c'), data: { '../shared/data/magic04.csv': H('d') }, artifacts, metrics: lockMetrics(metrics, figureKinds(SCHEMA, metrics)) };
}

describe('flattening and kinds', () => {
  it('flattens to paths in document order, with indices and quoted non-identifier keys', () => {
    const keys = [...flattenMetrics(METRICS).keys()];
    expect(keys.slice(0, 4)).toEqual(['model.test.n', 'model.test.weighted', 'model.test.positive', 'model.test.auc']);
    expect(keys).toContain('model.test.confusion_matrix.counts[1][0]');
    expect(keys).toContain('model.test.tpr_at_fpr["0.01"]');
    expect(keys).toContain('model.test.signal_efficiency.interval[1]');
    expect(flattenMetrics({ a: Infinity }).get('a')!.value).toBeNull();
  });

  it('counts are exact, rates absolute, other figures relative, labels equal: by the tags of the result schema', () => {
    const m = lockMetrics(METRICS, KINDS);
    expect(m['model.test.n']).toEqual({ value: 5706, exact: true });
    expect(m['model.test.confusion_matrix.counts[0][1]']).toEqual({ value: 808, exact: true });
    expect(m['fit.iterations']).toEqual({ value: 37, exact: true });
    expect(m['model.test.auc']).toEqual({ value: 0.84961951981893, abs: 1e-6, rel: 0 });
    expect(m['model.test.tpr_at_fpr["0.01"]']).toMatchObject({ abs: 1e-6 });
    expect(m['model.test.signal_efficiency.interval[0]']).toMatchObject({ abs: 1e-6 });
    expect(m['fit.mean_log_likelihood']).toEqual({ value: -1.2012365957170654, abs: 1e-9, rel: 1e-6 });
    expect(m['model.test.positive']).toEqual({ value: 'g' });
    expect(m['model.test.nothing']).toEqual({ value: null });
    // an integer that is not a count (accuracy 1) is still a rate, not exact
    expect(metricKind('rate', 1)).toBe('rate');
    // a weighted count is not an integer: held to a relative tolerance
    expect(metricKind('count', 12.5)).toBe('value');
    // an untagged number (a plugin without a result schema) is a free value; a string a label
    expect(metricKind(undefined, 0.5)).toBe('value');
    expect(metricKind('rate', 'x')).toBe('label');
  });

  it('the tolerance follows the tag, never the spelling of the key', () => {
    // a rate named like nothing the old key heuristics knew, and a count named like a rate
    const schema = z.object({ zeta: fig.rate(), auc_count: fig.count() });
    const metrics = { zeta: 0.25, auc_count: 3 };
    const m = lockMetrics(metrics, figureKinds(schema, metrics));
    expect(m.zeta).toEqual({ value: 0.25, abs: 1e-6, rel: 0 });
    expect(m.auc_count).toEqual({ value: 3, exact: true });
    // untagged (no schema): every number a free value
    expect(lockMetrics(metrics, figureKinds(undefined, metrics)).zeta).toEqual({ value: 0.25, abs: 1e-9, rel: 1e-6 });
  });

  it('an edited tolerance survives an update for a metric still present', () => {
    const edited = { ...lockMetrics(METRICS, KINDS), 'model.test.auc': { value: 0.8, abs: 0.01 } };
    const again = lockMetrics(METRICS, KINDS, edited);
    expect(again['model.test.auc']).toEqual({ value: 0.84961951981893, abs: 0.01, rel: 0 });
    expect(again['model.test.n']).toEqual({ value: 5706, exact: true });
  });
});

describe('tolerances', () => {
  it('|got − locked| ≤ max(abs, rel·|locked|); exact and labels must be equal', () => {
    expect(withinTolerance({ value: 1, abs: 0.125 }, 1.125)).toBe(true);
    expect(withinTolerance({ value: 1, abs: 0.125 }, 1.1250001)).toBe(false);
    expect(withinTolerance({ value: -100, rel: 0.01, abs: 0 }, -101)).toBe(true);
    expect(withinTolerance({ value: -100, rel: 0.01, abs: 0 }, -101.01)).toBe(false);
    expect(withinTolerance({ value: 5, exact: true }, 5)).toBe(true);
    expect(withinTolerance({ value: 5, exact: true, abs: 1 }, 6)).toBe(false);
    expect(withinTolerance({ value: 'g' }, 'h')).toBe(false);
    expect(withinTolerance({ value: null }, null)).toBe(true);
    expect(withinTolerance({ value: 0.5, abs: 1 }, null)).toBe(false);
    expect(withinTolerance({ value: 0.5, abs: 1 }, 'x')).toBe(false);
  });
});

describe('comparing a run with the lock', () => {
  it('passes identical figures; names a drifted metric with locked, got, |Δ| and tolerance', () => {
    const locked = entry(METRICS);
    expect(compareConfig('c.yaml', locked, entry(METRICS), true)).toEqual({ drift: [], notes: [], passed: Object.keys(locked.metrics).length });
    const moved = structuredClone(METRICS);
    moved.model.test.auc += 2e-6;
    moved.model.test.confusion_matrix.counts[0]![0]! += 1;
    moved.fit.mean_log_likelihood *= 1 + 5e-7; // within rel 1e-6
    const c = compareConfig('c.yaml', locked, entry(moved), true);
    expect(c.drift.map((d) => d.metric)).toEqual(['model.test.auc', 'model.test.confusion_matrix.counts[0][0]']);
    expect(c.drift[0]).toMatchObject({ config: 'c.yaml', locked: 0.84961951981893, tolerance: 'abs 1e-6' });
    expect(c.drift[0]!.delta).toBeCloseTo(2e-6, 12);
    expect(c.drift[1]).toMatchObject({ locked: 1198, got: 1199, delta: 1, tolerance: 'exact' });
    const table = formatDriftTable(c.drift);
    expect(table[0]).toMatch(/^config\s+metric\s+locked\s+got\s+\|Δ\|\s+tolerance$/);
    expect(table[3]).toMatch(/c\.yaml\s+model\.test\.confusion_matrix\.counts\[0\]\[0\]\s+1198\s+1199\s+1\s+exact/);
  });

  it('a metric that appears or disappears is drift', () => {
    const locked = entry(METRICS);
    const { fit: _fit, ...fewer } = METRICS;
    const c = compareConfig('c.yaml', locked, entry({ ...fewer, extra: { auc: 0.5 } }), true);
    expect(c.drift.filter((d) => d.got === undefined).map((d) => d.metric)).toEqual(['fit.mean_log_likelihood', 'fit.iterations']);
    expect(c.drift.find((d) => d.metric === 'extra.auc')).toMatchObject({ locked: undefined, got: 0.5, tolerance: 'not in the lock' });
  });

  it('artifact hashes are drift in the same environment, a note across environments', () => {
    const locked = entry(METRICS);
    const other = entry(METRICS, { 'metrics.json': H('b') });
    expect(compareConfig('c.yaml', locked, other, true).drift).toEqual([expect.objectContaining({ metric: 'artifact metrics.json', tolerance: 'sha256 identical' })]);
    const across = compareConfig('c.yaml', locked, other, false);
    expect(across.drift).toEqual([]);
    expect(across.notes[0]).toContain('not enforced');
  });

  it('a changed config or data file is a note, not drift', () => {
    const locked = entry(METRICS);
    const c = compareConfig('c.yaml', locked, { ...entry(METRICS), config_sha256: H('e'), data: { '../shared/data/magic04.csv': H('f') } }, true);
    expect(c.drift).toEqual([]);
    expect(c.notes).toEqual(['c.yaml: the config file changed since the lock was made', 'c.yaml: data file ../shared/data/magic04.csv changed since the lock was made']);
  });

  it('says in one line when the environment differs', () => {
    expect(environmentNote(ENV, ENV)).toBeUndefined();
    const note = environmentNote(ENV, { ...ENV, node: '22.1.0', packages: { '@discern/pipeline': '0.2.0' } })!;
    expect(note.split('\n')).toHaveLength(1);
    expect(note).toContain('Node 20.20.2 → 22.1.0');
    expect(note).toContain('@discern/pipeline 0.1.0 → 0.2.0');
    expect(note).toContain('not enforced');
  });
});

describe('the lockfile', () => {
  const lock: Lockfile = { ...emptyLock(ENV), configs: { 'configs/b.yaml': entry(METRICS), 'configs/a.yaml': entry({ x: { auc: 0.5 } }) } };

  it('round-trips through its text, one metric per line, configs sorted', () => {
    const text = serializeLock(lock);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(lock)));
    expect(parseLock(text, 'l.json')).toEqual(JSON.parse(text));
    expect(text.indexOf('"configs/a.yaml"')).toBeLessThan(text.indexOf('"configs/b.yaml"'));
    expect(text).toContain('\n        "model.test.auc": { "value": 0.84961951981893, "abs": 0.000001, "rel": 0 },\n');
    expect(serializeLock(parseLock(text, 'l.json'))).toBe(text);
  });

  it('a malformed lock is a coded error naming the file and the path', () => {
    const bad = (text: string) => {
      try {
        parseLock(text, 'discern.lock.json');
      } catch (e) {
        expect(isDiscernError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(bad('{')).toMatch(/discern\.lock\.json is not valid JSON/);
    const obj = JSON.parse(serializeLock(lock));
    obj.configs['configs/a.yaml'].metrics['x.auc'].abs = -1;
    expect(bad(JSON.stringify(obj))).toMatch(/→ at configs\["configs\/a\.yaml"\]\.metrics\["x\.auc"\]\.abs/);
  });

  it('the update diff lists added, removed and changed entries', () => {
    const next: Lockfile = {
      ...lock,
      configs: { 'configs/b.yaml': entry({ ...METRICS, model: { test: { ...METRICS.model.test, auc: 0.9 } } }), 'configs/c.yaml': entry({ y: 1 }) },
    };
    const d = diffLocks(lock, next);
    expect(d).toContain('- configs/a.yaml: removed');
    expect(d).toContain('+ configs/c.yaml: added (1 metrics, 1 artifact hashes)');
    expect(d).toContain('~ configs/b.yaml:');
    expect(d).toContain('  ~ model.test.auc: 0.84961951981893 → 0.9');
  });
});
