import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { isDiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../steps/index.js';
import { type PipelineConfig, parseConfig } from './load.js';
import { parseOverride } from './overrides.js';

// Fuzzing the config loader: whatever the bytes, parseConfig returns a config or throws a DiscernError with a code;
// never a TypeError, a YAML library error or a stack overflow. fast-check shrinks a failure to a small input and
// prints its seed; the runs are seeded so CI sees the same cases every time.
const registry = createRegistry();
const FILE = '/cfg/fuzz.yaml';
const SEED = 20240606;
const RUNS = 1000;

const CONFIG_DIR = fileURLToPath(new URL('../../../../configs/', import.meta.url));
const EXAMPLES = readdirSync(CONFIG_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => readFileSync(CONFIG_DIR + f, 'utf8'));

/** The outcome of loading: a config, or the code of the error. Anything else fails the property. */
function load(text: string, sets: string[] = []): PipelineConfig | string {
  try {
    return parseConfig(text, FILE, registry, sets.map(parseOverride));
  } catch (e) {
    if (isDiscernError(e)) {
      expect(e.message.length).toBeGreaterThan(0);
      return e.code;
    }
    throw e;
  }
}

// Characters that matter to YAML: indicators, quotes, flow and block structure, anchors and tags, line breaks.
const yamlChar = fc.constantFrom(...':-?,[]{}#&*!|>\'"%@` \n\t\r\\.0123456789abcdeyn~=+_eE', 'steps', 'data', 'fit', '<<', '\uFEFF', '\u0000', 'é', '𝛼');

/** Mutations of a valid config: drop, insert, duplicate or swap lines, replace a span, change a value or an indent. */
function mutate(text: string, ops: { kind: number; at: number; len: number; junk: string }[]): string {
  let t = text;
  for (const op of ops) {
    const lines = t.split('\n');
    const i = op.at % Math.max(1, lines.length);
    const pos = op.at % Math.max(1, t.length);
    switch (op.kind % 8) {
      case 0: // delete a span of characters
        t = t.slice(0, pos) + t.slice(pos + (op.len % 12));
        break;
      case 1: // insert junk
        t = t.slice(0, pos) + op.junk + t.slice(pos);
        break;
      case 2: // duplicate a line (duplicate keys, repeated steps)
        lines.splice(i, 0, lines[i] ?? '');
        t = lines.join('\n');
        break;
      case 3: // swap two lines
        [lines[i], lines[(i + 1) % lines.length]] = [lines[(i + 1) % lines.length] ?? '', lines[i] ?? ''];
        t = lines.join('\n');
        break;
      case 4: // change an indentation
        lines[i] = ' '.repeat(op.len % 5) + (lines[i] ?? '').trimStart();
        t = lines.join('\n');
        break;
      case 5: // replace the value after a colon with junk
        lines[i] = (lines[i] ?? '').replace(/:\s*(.*)$/, `: ${op.junk}`);
        t = lines.join('\n');
        break;
      case 6: // replace a number by another kind of value
        t = t.replace(/\b\d+(\.\d+)?\b/, ['-1', '1e400', '.nan', 'null', '[]', '{}', '"7"', '0x1F', '-.inf', '9007199254740993'][op.len % 10]!);
        break;
      default: // delete a line
        lines.splice(i, 1);
        t = lines.join('\n');
    }
  }
  return t;
}

const ops = fc.array(fc.record({ kind: fc.nat(), at: fc.nat(), len: fc.nat(), junk: fc.string({ unit: yamlChar, maxLength: 12 }) }), { minLength: 1, maxLength: 4 });

describe('config loader fuzzing: only coded errors', () => {
  it('random bytes (decoded as UTF-8) never throw anything but a DiscernError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        load(Buffer.from(bytes).toString('utf8'));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('random YAML-like text never throws anything but a DiscernError', () => {
    fc.assert(
      fc.property(fc.string({ unit: yamlChar, maxLength: 200 }), (text) => {
        load(text);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('mutated example configs load or fail with a coded error', () => {
    let valid = 0;
    fc.assert(
      fc.property(fc.nat({ max: EXAMPLES.length - 1 }), ops, (k, o) => {
        if (typeof load(mutate(EXAMPLES[k]!, o)) !== 'string') valid++;
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
    // the mutations keep some configs valid and break most: both paths are exercised
    expect(valid).toBeGreaterThan(20);
    expect(valid).toBeLessThan(RUNS * 2 - 100);
  });

  it('hostile YAML: alias bombs, deep nesting, huge numbers, prototype keys, tags', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    const cases = [
      bomb,
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
      `${'- '.repeat(3000)}x`,
      `name: t\nseed: ${'9'.repeat(400)}\ndata: {source: a.csv}\nsteps: [{fit: {model: logistic}}]`,
      `__proto__: {polluted: true}\nname: t\ndata: {source: a.csv}\nsteps: [{fit: {model: logistic}}]`,
      `name: t\ndata: {source: a.csv, constructor: 1}\nsteps: [{__proto__: {model: logistic}}]`,
      `name: !!binary aGVsbG8=\ndata: {source: a.csv}\nsteps: [{fit: !!js/function "x"}]`,
      `name: t\ndata: {source: a.csv}\nsteps: [{fit: {model: logistic, l2: !!float .inf}}]`,
      '? [a, b]\n: c\n',
      '%YAML 1.1\n---\nname: t\n...\n---\nname: u\n',
      '\uFEFFname: t',
      'name: t\n\tseed: 1',
    ];
    for (const c of cases) load(c);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('--set on a valid config: random keys and values load or fail with a coded error', () => {
    const key = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_-.[]0123456789', 'steps', 'data', 'fit', 'seed', '__proto__', 'constructor'), maxLength: 30 });
    const value = fc.oneof(fc.string({ unit: yamlChar, maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'));
    fc.assert(
      fc.property(fc.nat({ max: EXAMPLES.length - 1 }), fc.array(fc.tuple(key, value), { maxLength: 3 }), (k, sets) => {
        const args = sets.map(([a, b]) => `${a}=${b}`);
        let overrides: string[] = [];
        try {
          overrides = args.map((a) => parseOverride(a).raw);
        } catch (e) {
          if (!isDiscernError(e)) throw e;
          return;
        }
        load(EXAMPLES[k]!, overrides);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
