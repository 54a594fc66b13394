import { type StepRegistry } from '../registry.js';
import { type StepPlan, resultKey } from '../step.js';
import { formatPath } from './yaml-source.js';
import { type BaseConfig } from './schema.js';

/**
 * The config check over the step sequence: one pass that tracks which datasets, models, files and metrics keys
 * exist after each step, from the steps' plans alone (no data is read). It finds what would otherwise fail or go
 * wrong in the middle of a run: a step that needs a model no step fitted, a dataset no step made, a classifier
 * where a clustering model is fitted; and silent overwrites: two fits of the same name, two steps writing one
 * file, a split into the held-out test set, two results under one metrics.json key. `discern validate` and
 * `discern run` both run it, so a config that passes `validate` gets past configuration in `run`.
 */

export interface PlanIssue {
  /** Config path as written in YAML: `steps[3].fit.name`. */
  readonly path: string;
  readonly message: string;
}

interface Origin {
  /** Config path of the key that made it (`steps[1].fit.name`, or `data`). */
  readonly path: string;
  /** Where that is in the file, when known (`magic.yaml:12:5`). */
  readonly where: string | undefined;
  readonly supervised?: boolean;
  readonly model?: string;
  /** The step that made it (`fit`, `tune`, `calibrate`…). */
  readonly step?: string;
}

export interface PlannedStep {
  readonly name: string;
  readonly index: number;
  readonly params: unknown;
  /** The parameters as written, before defaults. */
  readonly written?: unknown;
}

/** Files a run writes itself: no step may write them. */
const RESERVED_FILES = ['metrics.json', 'manifest.json', 'report.html'];

function list(names: Iterable<string>): string {
  const a = [...names].map((n) => JSON.stringify(n));
  return a.length > 0 ? a.join(', ') : 'none';
}

function at(o: Origin): string {
  return `${o.path}${o.where ? ` (${o.where})` : ''}`;
}

export function checkPlan(config: Omit<BaseConfig, 'steps'>, steps: readonly PlannedStep[], registry: StepRegistry, where: (path: string) => string | undefined): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const origin = (path: string, extra: Partial<Origin> = {}): Origin => ({ path, where: where(path), ...extra });
  const datasets = new Map<string, Origin>([
    ['train', origin('data')],
    ['test', origin('data')],
  ]);
  const models = new Map<string, Origin>();
  const files = new Map<string, Origin>();
  const keys: { key: readonly string[]; origin: Origin }[] = [];

  for (const s of steps) {
    const step = registry.get(s.name);
    if (!step) continue;
    const path = `${formatPath(['steps', s.index, s.name])}`;
    let plan: StepPlan = {};
    try {
      plan = step.plan ? step.plan(s.params, { index: s.index, path, config, before: steps.filter((b) => b.index < s.index).map((b) => b.name), ...(s.written !== undefined ? { written: s.written } : {}), where }) : {};
    } catch (e) {
      issues.push({ path, message: `the step's plan failed: ${(e as Error).message}` });
      continue;
    }
    for (const p of plan.problems ?? []) issues.push(p);
    for (const need of plan.needs?.datasets ?? []) {
      if (!datasets.has(need.name))
        issues.push({ path: need.path, message: `no dataset named ${JSON.stringify(need.name)} exists at this step (datasets so far: ${list(datasets.keys())}); a split step makes new ones` });
    }
    for (const need of plan.needs?.models ?? []) {
      const m = models.get(need.name);
      if (!m) {
        issues.push({
          path: need.path,
          message: `no model named ${JSON.stringify(need.name)} is fitted before this step (fitted so far: ${list(models.keys())}); add a fit step before it${models.size > 0 ? ', or name one of those' : ''}`,
        });
      } else if (need.classifier && m.supervised === false) {
        issues.push({ path: need.path, message: `model ${JSON.stringify(need.name)} (${m.model ?? 'unsupervised'}, fitted at ${at(m)}) is a clustering model; this step needs a classifier's class probabilities` });
      } else if (need.uncalibrated && m.step === 'calibrate') {
        issues.push({ path: need.path, message: `model ${JSON.stringify(need.name)} is calibrated already (made at ${at(m)}); name the model it was made from` });
      } else if (need.refit && m.step !== 'fit') {
        issues.push({
          path: need.path,
          message: `model ${JSON.stringify(need.name)} was made by a ${m.step ?? 'plugin'} step (${at(m)}), not by a fit step, so it cannot be refitted with its fit options; name a model made by fit, or calibrate on a dataset (on: …)`,
        });
      }
    }
    for (const made of plan.makes?.datasets ?? []) {
      const old = datasets.get(made.name);
      if (old && !made.replaces)
        issues.push({
          path: made.path,
          message: `a dataset named ${JSON.stringify(made.name)} exists already (${old.path === 'data' ? 'the data section makes train and test' : `made at ${at(old)}`}); this would replace it silently: give the part another name`,
        });
      datasets.set(made.name, origin(made.path));
    }
    for (const made of plan.makes?.models ?? []) {
      const old = models.get(made.name);
      if (old)
        issues.push({
          path: made.path,
          message: `a model named ${JSON.stringify(made.name)} is fitted already at ${at(old)}; this fit would replace it silently: give it its own name (name: …) and name it in the steps that use it`,
        });
      models.set(made.name, origin(made.path, { ...(made.supervised !== undefined ? { supervised: made.supervised } : {}), model: String((s.params as { model?: unknown }).model ?? s.name), step: s.name }));
      const file = `models/${made.name}.json`;
      files.set(file, origin(made.path));
    }
    for (const made of plan.makes?.files ?? []) {
      if (RESERVED_FILES.includes(made.name)) issues.push({ path: made.path, message: `${made.name} is written by the run itself; choose another file name` });
      const old = files.get(made.name);
      if (old) issues.push({ path: made.path, message: `the file ${made.name} is written already by ${at(old)}; this step would overwrite it: give it another name` });
      files.set(made.name, origin(made.path));
    }
    if (step.result !== undefined || step.key !== undefined) {
      const key = resultKey(step, s.params);
      const clash = keys.find((k) => k.key.length > 0 && key.length > 0 && k.key.slice(0, key.length).join('\0') === key.slice(0, k.key.length).join('\0'));
      if (clash)
        issues.push({
          path,
          message: `its result would go under metrics.json → ${key.join(' → ')}, where ${at(clash.origin)} puts its own (${clash.key.join(' → ')}); give one of them another name`,
        });
      keys.push({ key, origin: origin(path) });
    }
  }
  return issues;
}
