import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { type ModelReader } from '../model-json.js';

/**
 * The fold of an event, as TMVA's CrossValidation computes it from its split expression (`SplitExpr`): an
 * arithmetic expression of input columns (an event number, usually), whose value v gives the fold
 * ⌊v⌋ mod k (a non-negative remainder). An event's fold then depends on the event alone, not on the sample it sits
 * in, so the assignment stays the same when the sample grows, and a model applied "by fold" can score any new
 * event with the fold model that did not see it.
 *
 * The expression is held as a small tree over the model's input columns (by index), with only the operations that
 * the exported ONNX graph computes bit for bit as JavaScript does (IEEE + − × ÷, fmod, floor, ceil, abs, min, max,
 * and `round` as ⌊v⌋ + (v − ⌊v⌋ ≥ ½), Math.round's half-up rule in operations ONNX has): a fold that flipped
 * between TypeScript and the graph at an integer boundary would silently change which model scores an event.
 * Powers and transcendental functions (whose last bit differs between libraries) are left out for that reason.
 */
export type FoldExpr =
  | { readonly op: 'input'; readonly index: number }
  | { readonly op: 'number'; readonly value: number }
  | { readonly op: FoldOp; readonly args: readonly FoldExpr[] };

/** Operations of a fold expression with their numbers of arguments. */
export const FOLD_OPS = {
  '+': [2, 2],
  '-': [2, 2],
  '*': [2, 2],
  '/': [2, 2],
  '%': [2, 2],
  neg: [1, 1],
  abs: [1, 1],
  floor: [1, 1],
  ceil: [1, 1],
  round: [1, 1],
  min: [2, 16],
  max: [2, 16],
} as const satisfies Record<string, readonly [number, number]>;

export type FoldOp = keyof typeof FOLD_OPS;

const OPS = Object.keys(FOLD_OPS) as FoldOp[];

/** The deepest tree read from a file (a config holds short formulas). */
const MAX_DEPTH = 64;

/** A fold rule: the expression as the user wrote it (for people) and its tree (for the model). */
export interface FoldRule {
  /** The text, e.g. `EventNumber % 5` (shown in reports and in the ONNX graph's documentation). */
  readonly expression: string;
  readonly tree: FoldExpr;
}

/** The input columns a tree reads, ascending. */
export function foldColumns(tree: FoldExpr): number[] {
  const seen = new Set<number>();
  const walk = (e: FoldExpr): void => {
    if (e.op === 'input') seen.add(e.index);
    else if (e.op !== 'number') e.args.forEach(walk);
  };
  walk(tree);
  return [...seen].sort((a, b) => a - b);
}

/** The input columns a tree does not read, ascending: the inputs of the fold models. */
export function columnsOutside(tree: FoldExpr, nInputs: number): Int32Array {
  const skip = new Set(foldColumns(tree));
  const cols: number[] = [];
  for (let j = 0; j < nInputs; j++) if (!skip.has(j)) cols.push(j);
  return Int32Array.from(cols);
}

/** Math.round's rule (half up), from floor and a comparison: the ONNX graph computes the same. */
function roundHalfUp(v: number): number {
  const f = Math.floor(v);
  return v - f >= 0.5 ? f + 1 : f;
}

/** The tree's value on every row of X (column at a time). */
export function evaluateFoldExpr(tree: FoldExpr, X: DenseMatrix): Float64Array {
  const { rows: n, cols: p, data } = X;
  const ev = (e: FoldExpr): Float64Array => {
    const out = new Float64Array(n);
    if (e.op === 'input') {
      for (let i = 0; i < n; i++) out[i] = data[i * p + e.index]!;
      return out;
    }
    if (e.op === 'number') return out.fill(e.value);
    const a = ev(e.args[0]!);
    switch (e.op) {
      case 'neg':
        for (let i = 0; i < n; i++) out[i] = -a[i]!;
        return out;
      case 'abs':
        for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]!);
        return out;
      case 'floor':
        for (let i = 0; i < n; i++) out[i] = Math.floor(a[i]!);
        return out;
      case 'ceil':
        for (let i = 0; i < n; i++) out[i] = Math.ceil(a[i]!);
        return out;
      case 'round':
        for (let i = 0; i < n; i++) out[i] = roundHalfUp(a[i]!);
        return out;
      case 'min':
      case 'max': {
        out.set(a);
        const pick = e.op === 'min' ? Math.min : Math.max;
        for (const arg of e.args.slice(1)) {
          const b = ev(arg);
          for (let i = 0; i < n; i++) out[i] = pick(out[i]!, b[i]!);
        }
        return out;
      }
    }
    const b = ev(e.args[1]!);
    switch (e.op) {
      case '+':
        for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
        break;
      case '-':
        for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
        break;
      case '*':
        for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
        break;
      case '/':
        for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
        break;
      case '%':
        // JavaScript's % is C's fmod (the sign of the dividend), as ONNX Mod with fmod = 1
        for (let i = 0; i < n; i++) out[i] = a[i]! % b[i]!;
        break;
    }
    return out;
  };
  return ev(tree);
}

/**
 * The fold of each row: ⌊v⌋ mod k as a non-negative remainder ((⌊v⌋ % k + k) % k), so that any value gives a fold
 * (TMVA writes `int(fabs([EventNumber])) % int([NumFolds])` to the same end). A value that is not a finite number
 * (a missing event number, a division by zero) has no fold: DATA_INVALID naming the row and the expression.
 */
export function foldOfRows(rule: FoldRule, X: DenseMatrix, k: number): Int32Array {
  const v = evaluateFoldExpr(rule.tree, X);
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const f = ((Math.floor(v[i]!) % k) + k) % k;
    if (!Number.isFinite(f)) {
      const value = v[i]!;
      throw new DiscernError('DATA_INVALID', (n) => `the fold expression ${JSON.stringify(rule.expression)} is ${value} at ${n.row(i)}; it must be a finite number (an event number) to choose a fold`, {
        row: i,
        value,
        expression: rule.expression,
      });
    }
    out[i] = f;
  }
  return out;
}

/** Checks a tree built in code: known operations, argument counts, input indices below `nInputs`, finite numbers. */
export function checkFoldExpr(tree: FoldExpr, nInputs: number, what = 'fold expression'): void {
  const bad = (message: string): never => {
    throw new DiscernError('INVALID_ARGUMENT', `${what}: ${message}`, {});
  };
  const walk = (e: FoldExpr, depth: number): void => {
    if (depth > MAX_DEPTH) bad(`nested deeper than ${MAX_DEPTH}`);
    if (e.op === 'input') {
      if (!(Number.isInteger(e.index) && e.index >= 0 && e.index < nInputs)) bad(`input index ${e.index} is not one of 0..${nInputs - 1}`);
      return;
    }
    if (e.op === 'number') {
      if (!Number.isFinite(e.value)) bad(`the number ${e.value} is not finite`);
      return;
    }
    const arity = (FOLD_OPS as Record<string, readonly [number, number]>)[e.op];
    if (!arity) bad(`unknown operation ${JSON.stringify(e.op)}; accepted: ${OPS.join(' ')}`);
    if (!Array.isArray(e.args) || e.args.length < arity![0] || e.args.length > arity![1]) bad(`${e.op} takes ${arity![0] === arity![1] ? arity![0] : `${arity![0]} to ${arity![1]}`} arguments`);
    for (const a of e.args) walk(a, depth + 1);
  };
  walk(tree, 0);
}

/** Reads a rule from a saved model: `{ expression, tree }`, every node checked, MODEL_INVALID naming its path. */
export function readFoldRule(r: ModelReader, nInputs: number): FoldRule {
  const expression = r.get('expression').string();
  const node = (n: ModelReader, depth: number): FoldExpr => {
    if (depth > MAX_DEPTH) n.invalid(`is nested deeper than ${MAX_DEPTH}`);
    const op = n.get('op').string(['input', 'number', ...OPS]);
    if (op === 'input') return { op, index: n.get('index').int(0, nInputs - 1) };
    if (op === 'number') return { op, value: n.get('value').number() };
    const [lo, hi] = FOLD_OPS[op as FoldOp];
    const items = n.get('args').items();
    if (items.length < lo || items.length > hi) n.get('args').fail(lo === hi ? `an array of ${lo} expressions` : `an array of ${lo} to ${hi} expressions`);
    return { op: op as FoldOp, args: items.map((a) => node(a, depth + 1)) };
  };
  return { expression, tree: node(r.get('tree'), 0) };
}

/** The rule as JSON data (a copy). */
export function foldRuleJSON(rule: FoldRule): FoldRule {
  const copy = (e: FoldExpr): FoldExpr => (e.op === 'input' ? { op: 'input', index: e.index } : e.op === 'number' ? { op: 'number', value: e.value } : { op: e.op, args: e.args.map(copy) });
  return { expression: rule.expression, tree: copy(rule.tree) };
}
