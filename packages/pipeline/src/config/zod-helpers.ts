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
