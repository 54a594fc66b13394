import { closestName } from '@discern/core';
import { z } from 'zod';

/**
 * A strict object whose "unknown key" error lists the keys that are accepted — the first thing a user with a
 * typo needs. Every map in a discern config is built with this.
 */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const accepted = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        const keys = iss.keys.map((k) => JSON.stringify(k)).join(', ');
        const near = iss.keys.map((k) => closest(k, accepted)).filter((s): s is string => s !== undefined);
        const hint = near.length > 0 ? ` (did you mean ${near.map((s) => JSON.stringify(s)).join(', ')}?)` : '';
        return `unknown key${iss.keys.length > 1 ? 's' : ''} ${keys}${hint}; accepted keys: ${accepted.join(', ')}`;
      }
      if (iss.code === 'invalid_type') return `expected a map of ${accepted.join(', ')}, got ${describeValue(iss.input)}`;
      return undefined;
    },
  });
}

/** The accepted name a misspelt one most likely meant (core's rule for every "did you mean"). */
export const closest = closestName;

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  return 'a map';
}

/** A probability-like fraction in the open interval (0, 1). */
export const fraction = z.number().gt(0).lt(1);
export const positiveInt = z.number().int().positive();

type Def = { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType; options?: readonly z.core.$ZodType[]; values?: readonly unknown[]; entries?: Record<string, unknown>; element?: z.core.$ZodType; checks?: readonly { _zod: { def: { check: string; value?: unknown; inclusive?: boolean; format?: string } } }[]; shape?: Record<string, unknown> };

function numberDomain(def: Def): string {
  let whole = false;
  let lo: { value: number; inclusive: boolean } | undefined;
  let hi: { value: number; inclusive: boolean } | undefined;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'number_format' && (d.format === 'safeint' || d.format === 'int32')) whole = true;
    else if (d.check === 'greater_than' && typeof d.value === 'number') lo = { value: d.value, inclusive: d.inclusive === true };
    else if (d.check === 'less_than' && typeof d.value === 'number') hi = { value: d.value, inclusive: d.inclusive === true };
  }
  // a whole number > 0 is one ≥ 1
  if (whole && lo && !lo.inclusive && Number.isInteger(lo.value)) lo = { value: lo.value + 1, inclusive: true };
  if (whole && hi && !hi.inclusive && Number.isInteger(hi.value)) hi = { value: hi.value - 1, inclusive: true };
  const base = whole ? 'a whole number' : 'a number';
  if (whole && lo && hi) return `${base} from ${lo.value} to ${hi.value}`;
  const bounds = [lo ? `${lo.inclusive ? '≥' : '>'} ${lo.value}` : '', hi ? `${hi.inclusive ? '≤' : '<'} ${hi.value}` : ''].filter(Boolean);
  return bounds.length > 0 ? `${base} ${bounds.join(' and ')}` : base;
}

/** The alternatives a schema accepts, each for people (`"auto"`, `true`, `a whole number ≥ 1`); undefined when it cannot say. */
function alternatives(schema: z.core.$ZodType): string[] | undefined {
  const def = schema._zod.def as unknown as Def;
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'readonly':
    case 'catch':
      return alternatives(def.innerType!);
    case 'nullable': {
      const inner = alternatives(def.innerType!);
      return inner && [...inner, 'null'];
    }
    case 'pipe':
      return alternatives(def.in!);
    case 'number':
      return [numberDomain(def)];
    case 'boolean':
      return ['true', 'false'];
    case 'string':
      return ['a text'];
    case 'null':
      return ['null'];
    case 'literal':
      return def.values!.map((v) => JSON.stringify(v));
    case 'enum':
      return Object.values(def.entries!).map((v) => JSON.stringify(v));
    case 'array': {
      const el = alternatives(def.element!);
      return [el ? `a list of ${joinOr(el)}` : 'a list'];
    }
    case 'object':
      return [`a map of ${Object.keys(def.shape ?? {}).join(', ')}`];
    case 'union': {
      const all = def.options!.map(alternatives);
      return all.every((a) => a !== undefined) ? (all as string[][]).flat() : undefined;
    }
    default:
      return undefined;
  }
}

function joinOr(a: readonly string[]): string {
  return a.length <= 1 ? (a[0] ?? '') : `${a.slice(0, -1).join(', ')} or ${a[a.length - 1]}`;
}

/** What a schema accepts, for people: `"auto", true or false`; `a whole number ≥ 1 or null`; undefined when it cannot say. */
export function acceptedValues(schema: z.core.$ZodType): string | undefined {
  const a = alternatives(schema);
  return a && a.length > 0 ? joinOr(a) : undefined;
}

/** Whether a schema's numbers are whole numbers (`int`), any number (`real`), or it takes no number (undefined). */
export function numberKind(schema: z.core.$ZodType): 'int' | 'real' | undefined {
  const def = schema._zod.def as unknown as Def;
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return numberKind(def.innerType!);
    case 'pipe':
      return numberKind(def.in!);
    case 'number':
      return (def.checks ?? []).some((c) => c._zod.def.check === 'number_format' && (c._zod.def.format === 'safeint' || c._zod.def.format === 'int32')) ? 'int' : 'real';
    case 'union': {
      const kinds = def.options!.map(numberKind).filter((k) => k !== undefined);
      return kinds.includes('real') ? 'real' : kinds[0];
    }
    default:
      return undefined;
  }
}

/** Joins alternatives as a sentence does: `a, b or c`. */
export const listOr = joinOr;
