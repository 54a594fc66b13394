import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { DiscernError, InputFile } from '@discern/core';
import { type z } from 'zod';
import { type StepRegistry } from '../registry.js';
import { type Override, applyOverrides } from './overrides.js';
import { checkDataConfig } from './data-checks.js';
import { checkPlan } from './plan.js';
import { type BaseConfig, configSchema } from './schema.js';
import { type ConfigPath, type YamlSource, formatPath, parsePath, parseYamlConfig } from './yaml-source.js';
import { closest, describeValue, listOr } from './zod-helpers.js';

export interface StepEntry {
  readonly name: string;
  readonly params: unknown;
  /** Index in `steps`. */
  readonly index: number;
  /** The parameters as the config writes them, before defaults (for the step's plan). */
  readonly written?: unknown;
}

/** A validated config: the base keys, the steps with validated parameters, and where it came from. */
export interface PipelineConfig extends Omit<BaseConfig, 'steps'> {
  readonly steps: readonly StepEntry[];
  readonly file: string;
  /** Folder that relative paths in the config resolve against. */
  readonly dir: string;
  readonly text: string;
  readonly overrides: readonly string[];
  /** sha256 of the config text and the overrides. */
  readonly hash: string;
  /** The config after overrides, before defaults: what the user wrote (recorded in the manifest). */
  readonly raw: unknown;
  /** How a number at a path was written in the file (absent for values given with --set). */
  numberAsWritten(path: ConfigPath): string | undefined;
  /** Where the value at a config path was written: `magic.yaml:14:12`, `from --set`, or undefined. */
  where(path: string | ConfigPath): string | undefined;
  /**
   * A config error found while running (one that needs the data: a class name in a cost matrix, a feature that is
   * not in the file): CONFIG_INVALID naming the path and where it is written.
   */
  error(path: string, message: string): DiscernError;
}

export interface ConfigIssue {
  readonly path: ConfigPath;
  readonly message: string;
  readonly location?: string;
}

/** One problem per line, zod-style: `✖ expected number, got "0.o5" → at steps[3].decide.alpha (magic.yaml:14:12)`. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `✖ ${i.message} → at ${formatPath(i.path)}${i.location ? ` (${i.location})` : ''}`).join('\n');
}

/** A zod issue said for people: what was expected (every alternative of a union), and what was given. */
export function issueMessage(iss: z.core.$ZodIssue): string {
  const input = (iss as { input?: unknown }).input;
  if (iss.code === 'invalid_type') {
    if (input === undefined) return `missing required key (expected ${iss.expected})`;
    if (iss.message.startsWith('expected a map')) return iss.message;
    return `expected ${iss.expected}, got ${describeValue(input)}`;
  }
  if (iss.code === 'invalid_value') {
    const values = iss.values.map((v) => JSON.stringify(v)).join(', ');
    return `expected one of ${values}, got ${describeValue(input)}`;
  }
  if (iss.code === 'too_small' || iss.code === 'too_big') return `${iss.message.replace(/^Too (small|big): /, '')}, got ${describeValue(input)}`;
  if (iss.code === 'invalid_union' && iss.errors.length === 0 && 'discriminator' in iss) {
    // no branch takes the discriminator's value (model, rule): the issue is at that key, its input the whole map
    const key = String(iss.discriminator);
    const value = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[key] : undefined;
    if (!iss.message.startsWith('Invalid input')) return iss.message; // the schema's own words, which say the value
    const options = listOr(((iss as { options?: unknown[] }).options ?? []).map((v) => JSON.stringify(v)));
    return value === undefined ? `missing required key (expected ${options})` : `expected ${options}, got ${describeValue(value)}`;
  }
  if (iss.code === 'invalid_union') {
    // Report the branch that got furthest: its issues are the useful ones.
    const branches = iss.errors;
    const best = branches.reduce((a, b) => (b.length > 0 && (a.length === 0 || deepest(b) > deepest(a)) ? b : a), [] as z.core.$ZodIssue[]);
    if (best.length > 0 && deepest(best) > 0) return best.map(issueMessage).join('; ');
    // no branch got past the value itself: say what each branch takes ("auto", true or false)
    const alts = branches.map((b) => (b.length > 0 && b[0]!.path.length === 0 ? branchTakes(b[0]!) : undefined));
    const takes = alts.every((a): a is string[] => a !== undefined) ? listOr([...new Set(alts.flat())]) : undefined;
    if (takes) return input === undefined ? `missing required key (expected ${takes})` : `expected ${takes}, got ${describeValue(input)}`;
    return `${iss.message.replace(/^Invalid input/, 'not accepted')}, got ${describeValue(input)}`;
  }
  return input !== undefined && !iss.message.includes('got ') ? `${iss.message}, got ${describeValue(input)}` : iss.message;
}

const TYPE_NAMES: Record<string, string[]> = { boolean: ['true', 'false'], number: ['a number'], int: ['a whole number'], string: ['a text'], null: ['null'], array: ['a list'], object: ['a map'] };

/** What a union's branch takes, from its issue on the value (`"auto"`, `true`, `false`, `a number > 0`). */
function branchTakes(iss: z.core.$ZodIssue): string[] | undefined {
  if (iss.code === 'invalid_value') return iss.values.map((v) => JSON.stringify(v));
  if (iss.code === 'invalid_type') return TYPE_NAMES[iss.expected] ?? [iss.expected];
  if (iss.code === 'too_small' || iss.code === 'too_big') {
    // zod's "Too small: expected number to be >0" → "a number >0"
    const m = /expected (number|int|string|array) to (?:be|have) (.*)$/.exec(iss.message);
    if (m) return [`${m[1] === 'string' ? 'a text' : m[1] === 'array' ? 'a list' : m[1] === 'int' ? 'a whole number' : 'a number'} ${m[2]}`];
  }
  return undefined;
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(...issues.map((i) => i.path.length));
}

/** Zod issues → config issues with absolute paths and file:line:col. */
export function zodIssues(error: z.ZodError, prefix: ConfigPath, locate: (path: ConfigPath, key?: string) => string | undefined): ConfigIssue[] {
  return error.issues.map((iss) => {
    let path: ConfigPath = [...prefix, ...(iss.path as (string | number)[])];
    // For a union, point at the path of the branch's issue when it is deeper
    if (iss.code === 'invalid_union') {
      const inner = iss.errors.flat().sort((a, b) => b.path.length - a.path.length)[0];
      if (inner && inner.path.length > 0) path = [...path, ...(inner.path as (string | number)[])];
    }
    const key = iss.code === 'unrecognized_keys' ? iss.keys[0] : undefined;
    const location = locate(path, key);
    // a custom issue about two keys (an option and its alias) names where the other one is written too
    const also = iss.code === 'custom' ? (iss.params as { also?: unknown } | undefined)?.also : undefined;
    const other = Array.isArray(also) ? [...prefix, ...(iss.path.slice(0, -1) as (string | number)[]), ...(also as (string | number)[])] : undefined;
    const otherAt = other ? locate(other) : undefined;
    const message = `${issueMessage(iss)}${other ? ` (${formatPath(other)}${otherAt ? ` is at ${otherAt}` : ''})` : ''}`;
    return { path, message, ...(location ? { location } : {}) };
  });
}

function invalid(issues: ConfigIssue[], file: string): DiscernError {
  return new DiscernError('CONFIG_INVALID', `${file} is not a valid discern config:\n${formatIssues(issues)}`, { file, issues });
}

/** The largest config file read (a config is a page of YAML; this stops `/dev/zero` or a data file given by mistake). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * The text of a config file: read in chunks up to MAX_CONFIG_BYTES, decoded as UTF-8 strictly (a byte that is not
 * UTF-8 is an error naming its line, never a silent U+FFFD), file-system problems as coded errors.
 */
export function readConfigFile(file: string): string {
  const path = resolve(file);
  const chunks: Buffer[] = [];
  let total = 0;
  InputFile.use(
    path,
    (f) =>
      f.forEachChunk((chunk) => {
        total += chunk.length;
        if (total > MAX_CONFIG_BYTES)
          throw new DiscernError('CONFIG_INVALID', `${file} is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB: a config is a YAML file of a few lines (is this a data file? data files go under data.source)`, { file });
        chunks.push(chunk);
      }, 64 * 1024),
    file,
  );
  const bytes = Buffer.concat(chunks);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The first line that does not decode is the one to name.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let line = 1;
    for (let start = 0; start <= bytes.length; line++) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      try {
        decoder.decode(bytes.subarray(start, end));
      } catch {
        break;
      }
      start = end + 1;
    }
    throw new DiscernError('CONFIG_PARSE', `${file} line ${line} holds bytes that are not UTF-8; save the config as UTF-8`, { file, line });
  }
}

/** Reads, parses, overrides and validates a config file against the registered steps. */
export function loadConfig(file: string, options: { overrides?: readonly Override[]; registry: StepRegistry; text?: string }): PipelineConfig {
  return parseConfig(options.text ?? readConfigFile(file), resolve(file), options.registry, options.overrides ?? []);
}

export function parseConfig(text: string, path: string, registry: StepRegistry, overrides: readonly Override[] = []): PipelineConfig {
  const source = parseYamlConfig(text, path);
  const shortName = path.split(/[\\/]/).pop() ?? path;
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value))
    throw new DiscernError('CONFIG_INVALID', `${path} must be a YAML map with name, seed, data and steps; got ${describeValue(source.value)}`, { file: path });
  const raw = applyOverrides(source.value, overrides);
  const overridden = new Set(overrides.map((o) => formatPath(o.path)));
  const located: YamlSource = { ...source, locate: (p, o) => { const l = source.locate(p, o); return l ? { ...l, file: shortName } : undefined; } };
  /** A value given with --set is blamed on --set, never on a line of the file it replaced. */
  const fromSet = (p: ConfigPath): boolean => {
    const key = formatPath(p);
    return [...overridden].some((o) => key === o || key.startsWith(`${o}.`) || key.startsWith(`${o}[`));
  };
  const where = (path: string | ConfigPath, key?: string): string | undefined => {
    const p = typeof path === 'string' ? parsePath(path) : path;
    if (fromSet(key !== undefined ? [...p, key] : p)) return 'from --set';
    const l = located.locate(p, key !== undefined ? { key } : {});
    return l ? `${l.file}:${l.line}:${l.col}` : undefined;
  };
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  const issues: ConfigIssue[] = [];
  if (!parsed.success) issues.push(...zodIssues(parsed.error, [], where));
  const steps: StepEntry[] = [];
  const rawSteps = (raw as { steps?: unknown }).steps;
  if (Array.isArray(rawSteps)) {
    rawSteps.forEach((entry, index) => {
      const location = where(['steps', index]);
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry) || Object.keys(entry).length !== 1) {
        issues.push({
          path: ['steps', index],
          message: `each step is a map of one step name to its parameters (e.g. "- fit: { model: logistic }"), got ${describeValue(entry)}${entry && typeof entry === 'object' && !Array.isArray(entry) ? ` with keys ${Object.keys(entry).join(', ')}` : ''}`,
          ...(location ? { location } : {}),
        });
        return;
      }
      const [name, params] = Object.entries(entry)[0]!;
      const plugin = registry.get(name);
      if (!plugin) {
        const near = closest(name, registry.names());
        issues.push({
          path: ['steps', index],
          message: `unknown step ${JSON.stringify(name)}${near ? ` (did you mean "${near}"?)` : ''}; registered steps: ${registry.names().join(', ')}`,
          ...(location ? { location } : {}),
        });
        return;
      }
      // a step's body is a map of its keys; left empty in the file (`- standardize:`) it is an empty map, but a
      // null given with --set, or a list, number or text anywhere, is no body of a step
      const bodyAt = where(['steps', index, name]);
      if (params === null ? bodyAt === 'from --set' : params !== undefined && (typeof params !== 'object' || Array.isArray(params))) {
        issues.push({ path: ['steps', index, name], message: `expected a map of the step's keys, got ${describeValue(params)}`, ...(bodyAt ? { location: bodyAt } : {}) });
        return;
      }
      const r = plugin.params.safeParse(params ?? {}, { reportInput: true });
      if (!r.success) issues.push(...zodIssues(r.error, ['steps', index, name], where));
      else steps.push({ name, params: r.data, index, written: params ?? {} });
    });
  }
  if (issues.length > 0 || !parsed.success) throw invalid(issues, shortName);
  // One pass over the step sequence: what each step needs exists, and nothing is silently replaced; and the data
  // section's own contradictions (a column in two roles, a split next to samples with roles...).
  const rawData = (raw as { data?: unknown }).data;
  const writtenData = (key: string) => rawData !== null && typeof rawData === 'object' && (rawData as Record<string, unknown>)[key.replace(/^data\./, '')] !== undefined;
  const planIssues = [...checkDataConfig(parsed.data.data, writtenData), ...checkPlan(parsed.data, steps, registry, where)];
  if (planIssues.length > 0) {
    const pathOf = (p: string) => parsePath(p);
    throw invalid(
      planIssues.map((i) => ({ path: pathOf(i.path), message: i.message, ...(where(i.path) ? { location: where(i.path)! } : {}) })),
      shortName,
    );
  }
  const hash = createHash('sha256').update(text).update('\0').update(overrides.map((o) => o.raw).join('\0')).digest('hex');
  const numberAsWritten = (p: ConfigPath): string | undefined => {
    const key = formatPath(p);
    for (const o of overridden) if (key === o || key.startsWith(`${o}.`) || key.startsWith(`${o}[`)) return undefined;
    return source.numberText.get(key);
  };
  const error = (p: string, message: string): DiscernError => {
    const loc = where(p);
    return new DiscernError('CONFIG_INVALID', `${p}: ${message}${loc ? ` (${loc})` : ''}`, { file: path, configPath: p });
  };
  return { ...parsed.data, steps, file: path, dir: dirname(path), text, overrides: overrides.map((o) => o.raw), hash, raw, numberAsWritten, where, error };
}
