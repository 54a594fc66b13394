import fc from 'fast-check';
import { isDiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { applyOverrides, parseOverride } from './overrides.js';
import { formatPath } from './yaml-source.js';

// The `--set key=value` parser: any argument parses or is rejected with a coded error; applying parsed overrides to
// any config value succeeds or is rejected with a coded error; and what is set is what is read back.
const SEED = 20240607;
const RUNS = 1000;

function codedOnly(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    if (isDiscernError(e)) return e.code;
    throw e;
  }
}

const argChar = fc.constantFrom(...'abcxyz_-.[]=0123456789 "\'{}:,#&*!|\\\n\t', '__proto__', 'prototype', 'constructor', 'é');
const name = fc.stringMatching(/^[A-Za-z_][\w-]{0,6}$/);
const segment = fc.tuple(name, fc.array(fc.nat({ max: 3 }), { maxLength: 2 })).map(([n, idx]) => `${n}${idx.map((i) => `[${i}]`).join('')}`);
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));

describe('--set parser fuzzing', () => {
  it('random arguments parse or fail with a coded error', () => {
    fc.assert(
      fc.property(fc.string({ unit: argChar, maxLength: 40 }), (arg) => {
        codedOnly(() => parseOverride(arg));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('random bytes (decoded as UTF-8) parse or fail with a coded error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        codedOnly(() => parseOverride(Buffer.from(bytes).toString('utf8')));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('applying well-formed overrides to any JSON value succeeds or fails with a coded error, and never pollutes prototypes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.array(fc.tuple(path, fc.jsonValue({ maxDepth: 1 })), { maxLength: 3 }), (config, sets) => {
        const before = JSON.stringify(config);
        const overrides = sets.map(([p, v]) => codedOnly(() => parseOverride(`${p}=${JSON.stringify(v) ?? 'null'}`)));
        if (overrides.some((o) => typeof o === 'string')) return;
        codedOnly(() => applyOverrides(config, overrides as ReturnType<typeof parseOverride>[]));
        // the input is copied, never mutated
        expect(JSON.stringify(config)).toBe(before);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(codedOnly(() => parseOverride('__proto__.polluted=true'))).toBe('CONFIG_INVALID');
    expect(codedOnly(() => parseOverride('data.constructor.prototype.polluted=true'))).toBe('CONFIG_INVALID');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('what is set is what is read back (maps created along the way)', () => {
    const mapPath = fc.array(name.filter((n) => !(n in Object.prototype)), { minLength: 1, maxLength: 4 });
    const scalar = fc.oneof(fc.integer(), fc.boolean(), fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/).filter((s) => !/^(y|n|yes|no|on|off|true|false|null)$/.test(s)));
    fc.assert(
      fc.property(mapPath, scalar, (segs, v) => {
        const o = parseOverride(`${segs.join('.')}=${String(v)}`);
        expect(o.path).toEqual(segs);
        expect(formatPath(o.path)).toBe(segs.join('.'));
        let node = applyOverrides({}, [o]) as Record<string, unknown>;
        for (const s of segs.slice(0, -1)) node = node[s] as Record<string, unknown>;
        expect(node[segs[segs.length - 1]!]).toEqual(v);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
