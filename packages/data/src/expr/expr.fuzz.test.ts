import fc from 'fast-check';
import { isDiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { type ArrayColumn, compileExpression, plainColumns } from './evaluate.js';
import { type ExprNode, parseExpression } from './parse.js';

// Fuzzing the expression language: any text gives a value or a DiscernError with a code, never a TypeError, a
// RangeError or a stack overflow; and expressions made from the grammar evaluate, column at a time, to what a plain
// recursive evaluation row by row gives (the reference below, written from the semantics in evaluate.ts's comment).
const SEED = 20260601;

const N = 50;
const rand = fc.sample(fc.double({ min: -50, max: 50, noNaN: true }), { seed: SEED, numRuns: 6 * N });
const x = Float64Array.from(rand.slice(0, N));
const y = Float64Array.from(rand.slice(N, 2 * N), (v, i) => (i % 7 === 0 ? NaN : Math.round(v))); // missing values and zeros
const lengths = Array.from({ length: N }, (_, i) => (i * 7) % 4);
const offsets = new Int32Array(N + 1);
lengths.forEach((l, i) => (offsets[i + 1] = offsets[i]! + l));
const J: ArrayColumn = { name: 'J', offsets, values: Float64Array.from(rand.slice(2 * N, 2 * N + offsets[N]!)) };
const columns = plainColumns({ x, y, J });

function coded(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (isDiscernError(e)) return e.code;
    throw e;
  }
}

const TOKENS = ['x', 'y', 'J', 'J[0]', 'J[2]', '1', '0', '2.5', '1e3', '.5', '(', ')', '[', ']', ',', '+', '-', '*', '/', '%', '^', '<', '<=', '>', '>=', '==', '!=', '&&', '||', '!', '?', ':', 'abs', 'sqrt', 'pow', 'min', 'max', 'sum', 'length', 'hypot', 'isnan', 'round', 'foo', '`x`', '`', '"', '=', '&', '$', ' ', 'x.y', '1e', '2x', 'constructor', '__proto__', 'this', 'process.exit', '\u0000', '😀'];

describe('expression fuzzing', () => {
  it('random token sequences parse, compile and evaluate, or fail with a coded error', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }), (tokens) => {
        const text = tokens.join('');
        const code = coded(() => compileExpression(text, columns).evaluate(columns));
        expect(['ok', 'INVALID_ARGUMENT', 'DATA_INVALID']).toContain(code);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('arbitrary strings never throw anything but a coded error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        expect(['ok', 'INVALID_ARGUMENT', 'DATA_INVALID']).toContain(coded(() => compileExpression(text, columns).evaluate(columns)));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('grammar-made expressions equal a row-by-row reference evaluation, NaN for NaN', () => {
    const scalar = fc.letrec<{ e: string; el: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom('x', 'y', 'J[0]', 'J[1]', '0', '1', '2.5', '3'),
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '^', '<', '<=', '>', '>=', '==', '!=', '&&', '||'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
        tie('e').map((a) => `-(${a})`),
        tie('e').map((a) => `!(${a})`),
        fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
        fc.tuple(fc.constantFrom('abs', 'sqrt', 'floor', 'round', 'isnan', 'exp'), tie('e')).map(([f, a]) => `${f}(${a})`),
        fc.tuple(fc.constantFrom('min', 'max', 'pow', 'atan2', 'hypot'), tie('e'), tie('e')).map(([f, a, b]) => `${f}(${a}, ${b})`),
        fc.tuple(fc.constantFrom('sum', 'length', 'max', 'min'), tie('el')).map(([f, a]) => `${f}(${a})`),
      ),
      // per element of J, with per-row values repeated
      el: fc.oneof(
        fc.constant('J'),
        fc.tuple(fc.constant('J'), fc.constantFrom('+', '*', '>', '-'), fc.constantFrom('x', 'y', '2', 'J', 'J[0]')).map(([a, op, b]) => `(${a} ${op} ${b})`),
        fc.constant('abs(J)'),
      ),
    })).e;
    fc.assert(
      fc.property(scalar, (text) => {
        const got = compileExpression(text, columns).evaluate(columns);
        const root = parseExpression(text).root;
        for (let r = 0; r < N; r++) {
          const want = reference(root, r, undefined);
          if (Number.isNaN(want)) expect(got[r], `${text} row ${r}`).toBeNaN();
          else expect(got[r], `${text} row ${r}`).toBe(want);
        }
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });
});

/** The value of a node on row r (and element e of J inside a reduction), computed directly. */
function reference(n: ExprNode, r: number, e: number | undefined): number {
  const bool = (c: boolean) => (c ? 1 : 0);
  switch (n.type) {
    case 'number':
      return n.value;
    case 'column': {
      if (n.name === 'x') return x[r]!;
      if (n.name === 'y') return y[r]!;
      if (n.index !== undefined) {
        const at = offsets[r]! + n.index;
        return at < offsets[r + 1]! ? J.values[at]! : NaN;
      }
      return J.values[e!]!;
    }
    case 'unary': {
      const a = reference(n.arg, r, e);
      if (n.op === '-') return -a;
      if (n.op === '+') return a;
      return Number.isNaN(a) ? NaN : bool(a === 0);
    }
    case 'binary': {
      const a = reference(n.left, r, e), b = reference(n.right, r, e);
      const cmp = (c: boolean) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : bool(c));
      switch (n.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        case '%': return a % b;
        case '^': return a ** b;
        case '<': return cmp(a < b);
        case '<=': return cmp(a <= b);
        case '>': return cmp(a > b);
        case '>=': return cmp(a >= b);
        case '==': return cmp(a === b);
        case '!=': return cmp(a !== b);
        // Kleene: a known false side decides &&, a known true side decides ||; else a missing side leaves it missing
        case '&&': return a === 0 || b === 0 ? 0 : Number.isNaN(a) || Number.isNaN(b) ? NaN : 1;
        case '||': return (!Number.isNaN(a) && a !== 0) || (!Number.isNaN(b) && b !== 0) ? 1 : Number.isNaN(a) || Number.isNaN(b) ? NaN : 0;
      }
      throw new Error('unreachable');
    }
    case 'conditional': {
      const c = reference(n.test, r, e);
      return Number.isNaN(c) ? NaN : c !== 0 ? reference(n.then, r, e) : reference(n.otherwise, r, e);
    }
    case 'call': {
      const arr = n.args.length === 1 && (n.fn === 'sum' || n.fn === 'length' || n.fn === 'max' || n.fn === 'min');
      if (arr) {
        const vals: number[] = [];
        for (let k = offsets[r]!; k < offsets[r + 1]!; k++) vals.push(reference(n.args[0]!, r, k));
        if (n.fn === 'length') return vals.length;
        if (n.fn === 'sum') return vals.reduce((s, v) => s + v, 0);
        if (vals.length === 0) return NaN;
        return n.fn === 'max' ? Math.max(...vals) : Math.min(...vals);
      }
      const v = n.args.map((a) => reference(a, r, e));
      switch (n.fn) {
        case 'abs': return Math.abs(v[0]!);
        case 'sqrt': return Math.sqrt(v[0]!);
        case 'floor': return Math.floor(v[0]!);
        case 'exp': return Math.exp(v[0]!);
        case 'round': return v[0]! < 0 ? -Math.round(-v[0]!) : Math.round(v[0]!);
        case 'isnan': return bool(Number.isNaN(v[0]!));
        case 'min': return Math.min(...v);
        case 'max': return Math.max(...v);
        case 'pow': return v[0]! ** v[1]!;
        case 'atan2': return Math.atan2(v[0]!, v[1]!);
        case 'hypot': return Math.hypot(...v);
        default: throw new Error(`reference: ${n.fn}`);
      }
    }
  }
}
