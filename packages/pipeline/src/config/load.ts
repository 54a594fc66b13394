import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DiscernError } from '@discern/core';
import { type z } from 'zod';
import { type StepRegistry } from '../registry.js';
import { type Override, applyOverrides } from './overrides.js';
import { type BaseConfig, configSchema } from './schema.js';
import { type ConfigPath, type YamlSource, formatPath, parseYamlConfig } from './yaml-source.js';
import { closest, describeValue } from './zod-helpers.js';

export interface StepEntry {
  readonly name: string;
  readonly params: unknown;
  /** Index in `steps`. */
  readonly index: number;
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

function issueMessage(iss: z.core.$ZodIssue): string {
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
  if (iss.code === 'invalid_union') {
    // Report the branch that got furthest: its issues are the useful ones.
    const branches = iss.errors;
    const best = branches.reduce((a, b) => (b.length > 0 && (a.length === 0 || deepest(b) > deepest(a)) ? b : a), [] as z.core.$ZodIssue[]);
    if (best.length > 0 && deepest(best) > 0) return best.map(issueMessage).join('; ');
    return `${iss.message.replace(/^Invalid input/, 'not accepted')}, got ${describeValue(input)}`;
  }
  return input !== undefined && !iss.message.includes('got ') ? `${iss.message}, got ${describeValue(input)}` : iss.message;
}

function deepest(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(...issues.map((i) => i.path.length));
}

/** Zod issues → config issues with absolute paths and file:line:col. */
export function zodIssues(error: z.ZodError, prefix: ConfigPath, source: YamlSource | undefined, overridden: ReadonlySet<string>): ConfigIssue[] {
  return error.issues.map((iss) => {
    let path: ConfigPath = [...prefix, ...(iss.path as (string | number)[])];
    // For a union, point at the path of the branch's issue when it is deeper
    if (iss.code === 'invalid_union') {
      const inner = iss.errors.flat().sort((a, b) => b.path.length - a.path.length)[0];
      if (inner && inner.path.length > 0) path = [...path, ...(inner.path as (string | number)[])];
    }
    const key = iss.code === 'unrecognized_keys' ? iss.keys[0] : undefined;
    const fromSet = [...overridden].some((o) => formatPath(path).startsWith(o));
    const loc = fromSet ? undefined : source?.locate(path, key !== undefined ? { key } : {});
    return { path, message: issueMessage(iss), location: fromSet ? 'from --set' : loc ? `${loc.file}:${loc.line}:${loc.col}` : undefined } as ConfigIssue;
  });
}

function invalid(issues: ConfigIssue[], file: string): DiscernError {
  return new DiscernError('CONFIG_INVALID', `${file} is not a valid discern config:\n${formatIssues(issues)}`, { file, issues });
}

/** Reads, parses, overrides and validates a config file against the registered steps. */
export function loadConfig(file: string, options: { overrides?: readonly Override[]; registry: StepRegistry; text?: string }): PipelineConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = options.text ?? readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DiscernError('FILE_NOT_FOUND', `config file not found: ${file}`, { file });
    throw new DiscernError('IO_ERROR', `cannot read config ${file}: ${(e as Error).message}`, { file });
  }
  return parseConfig(text, path, options.registry, options.overrides ?? []);
}

export function parseConfig(text: string, path: string, registry: StepRegistry, overrides: readonly Override[] = []): PipelineConfig {
  const source = parseYamlConfig(text, path);
  const shortName = path.split(/[\\/]/).pop() ?? path;
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value))
    throw new DiscernError('CONFIG_INVALID', `${path} must be a YAML map with name, seed, data and steps; got ${describeValue(source.value)}`, { file: path });
  const raw = applyOverrides(source.value, overrides);
  const overridden = new Set(overrides.map((o) => formatPath(o.path)));
  const located: YamlSource = { ...source, locate: (p, o) => { const l = source.locate(p, o); return l ? { ...l, file: shortName } : undefined; } };
  const parsed = configSchema.safeParse(raw, { reportInput: true });
  const issues: ConfigIssue[] = [];
  if (!parsed.success) issues.push(...zodIssues(parsed.error, [], located, overridden));
  const steps: StepEntry[] = [];
  const rawSteps = (raw as { steps?: unknown }).steps;
  if (Array.isArray(rawSteps)) {
    rawSteps.forEach((entry, index) => {
      const where = located.locate(['steps', index]);
      const location = where ? `${where.file}:${where.line}:${where.col}` : undefined;
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
      const r = plugin.schema.safeParse(params ?? {}, { reportInput: true });
      if (!r.success) issues.push(...zodIssues(r.error, ['steps', index, name], located, overridden));
      else steps.push({ name, params: r.data, index });
    });
  }
  if (issues.length > 0 || !parsed.success) throw invalid(issues, shortName);
  const hash = createHash('sha256').update(text).update('\0').update(overrides.map((o) => o.raw).join('\0')).digest('hex');
  const numberAsWritten = (p: ConfigPath): string | undefined => {
    const key = formatPath(p);
    for (const o of overridden) if (key === o || key.startsWith(`${o}.`) || key.startsWith(`${o}[`)) return undefined;
    return source.numberText.get(key);
  };
  return { ...parsed.data, steps, file: path, dir: dirname(path), text, overrides: overrides.map((o) => o.raw), hash, raw, numberAsWritten };
}
