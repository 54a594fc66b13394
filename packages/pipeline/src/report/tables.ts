import type { TableCell } from '@discern/report';

/**
 * Table cells of the report: every { value, interval } prints as `v [lo, hi]`, and `flatten` makes a table of any
 * result (a plugin's free values, a clustering model's figures). Each step builds its own tables (its `report`).
 */

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function isInterval(v: unknown): v is { value: number; interval: [number, number] } {
  return isObj(v) && typeof v.value === 'number' && Array.isArray(v.interval) && v.interval.length === 2;
}

/** A metrics value as a table cell. */
export function cell(v: unknown): TableCell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (isInterval(v)) {
    const [lo, hi] = v.interval;
    return Number.isFinite(v.value) && Number.isFinite(lo) && Number.isFinite(hi) ? { value: v.value, interval: [lo, hi] } : v.value;
  }
  if (Array.isArray(v) && v.length <= 12 && v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => (typeof x === 'number' ? +x.toPrecision(4) : String(x))).join(', ');
  return JSON.stringify(v).slice(0, 200);
}

/** path → value rows of a nested object; intervals and short arrays stay whole. */
export function flatten(v: unknown, prefix = '', out: [string, TableCell][] = [], limit = 200): [string, TableCell][] {
  if (out.length >= limit) return out;
  if (isObj(v) && !isInterval(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out, limit);
  } else if (Array.isArray(v) && v.some((x) => typeof x === 'object' && x !== null)) {
    v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out, limit));
  } else out.push([prefix, cell(v)]);
  return out;
}
