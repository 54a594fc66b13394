/**
 * Evaluation of a parsed expression over typed-array columns: column at a time, in blocks of rows, never row by row
 * through an interpreter. Each node of the tree owns a scratch Float64Array of one block; a node's loop runs over the
 * block with the operator chosen once outside it, so a cut of a few comparisons over 10⁷ rows is a few dozen tight
 * loops of 10⁷ iterations (well under a second; see the test and `npm run bench -- io`).
 *
 * Values are doubles. Comparisons and logic give 1 or 0. A missing value is NaN and propagates: through arithmetic,
 * comparisons and `!`; `&&` and `||` follow three-valued (Kleene) logic, the same whichever side is missing: `a && b`
 * is 0 when either side is 0, `a || b` is 1 when either side is true, NaN only when the missing side could change
 * the answer; `c ? x : y` takes the branch `c` chooses (NaN when `c` is). `isnan(x)` is never NaN.
 * Array columns (a ROOT branch holding a variable or fixed number of values per event) are read by element
 * (`Muon_Px[0]`, NaN past the end) or reduced: `length`, `sum` (0 for none), `max`, `min` (NaN for none); inside a
 * reduction the argument is computed per element, columns of one value per event repeated for each element
 * (`sum(Jet_Px > 20)` counts the jets above 20).
 */
import { DiscernError, quote } from '@discern/core';
import { closestName, columnLabel, listNames } from '../csv/cells.js';
import { type BinaryOp, type ExprNode, type FunctionName, type ParsedExpression, expressionError, parseExpression } from './parse.js';

/** A column holding several values per row: the values of row r are values[offsets[r] .. offsets[r + 1]). */
export interface ArrayColumn {
  readonly name: string;
  /** rows + 1 offsets into `values`, non-decreasing, offsets[0] = 0. */
  readonly offsets: Int32Array;
  readonly values: Float64Array;
  /** A fixed number of values per row (a ROOT branch `x[3]`), when it has one. */
  readonly fixed?: number;
  /** Where the column came from, for messages: `Muon_Px[NMuon] (float)`. */
  readonly description?: string;
}

export type ExpressionColumnKind = 'numeric' | 'categorical' | 'array';

/**
 * The columns an expression can read: what it checks names against (`kind`, `names`) and, to evaluate, the values
 * (`numeric`, `array`). A Table, a Dataset or plain arrays become one through `expressionColumns`.
 */
export interface ExpressionColumns {
  readonly rows: number;
  /** Every column's name, for "did you mean" and the list of what exists. */
  names(): readonly string[];
  kind(name: string): ExpressionColumnKind | undefined;
  /** A numeric column's values (NaN where missing). */
  numeric(name: string): Float64Array;
  array(name: string): ArrayColumn;
  /** Where the columns come from, for messages (`zmumu.root:events`). */
  readonly source?: string;
}

/** The names and kinds of columns, when the values are not at hand yet (checking a config against a file's header). */
export interface ColumnCatalog {
  names(): readonly string[];
  kind(name: string): ExpressionColumnKind | undefined;
  readonly source?: string;
}

/** Rows per block: 4,096 doubles (32 KiB) per node's scratch buffer stay in the CPU's caches. */
const BLOCK = 4096;

/** A node of the compiled tree: the parsed node, whether it is computed per array element, its scratch buffers. */
interface Node {
  readonly src: ExprNode;
  /** Computed per element of an array column (inside a reduction), not per row. */
  readonly elem: boolean;
  readonly kids: readonly Node[];
  /** Per-row scratch (one block) and per-element scratch (grown as needed). */
  rowBuf?: Float64Array;
  elemBuf?: Float64Array;
  /** A reduction's argument's array columns: their offsets must agree row by row. */
  readonly arrays?: readonly string[];
}

function rowBuffer(n: Node): Float64Array {
  return (n.rowBuf ??= new Float64Array(BLOCK));
}

function elemBuffer(n: Node, count: number): Float64Array {
  if (!n.elemBuf || n.elemBuf.length < count) n.elemBuf = new Float64Array(Math.max(count, BLOCK));
  return n.elemBuf;
}

const REDUCTIONS = new Set<FunctionName>(['length', 'sum']);

function isReduction(node: ExprNode): boolean {
  return node.type === 'call' && (REDUCTIONS.has(node.fn) || ((node.fn === 'max' || node.fn === 'min') && node.args.length === 1));
}

export interface CompileOptions {
  /** How messages name the expression: `data.cut`, `weight of sample 'zz'` (default 'expression'). */
  readonly what?: string;
}

/** An expression checked against the columns it reads, ready to evaluate over any data with those columns. */
export interface CompiledExpression {
  readonly text: string;
  /** The columns it reads (array columns by their names), in order of first use. */
  readonly columns: readonly string[];
  /** Its value on every row: a new Float64Array of `data.rows` values (NaN where undefined). */
  evaluate(data: ExpressionColumns): Float64Array;
}

class Compiler {
  constructor(
    private readonly parsed: ParsedExpression,
    private readonly catalog: ColumnCatalog,
    private readonly what: string,
  ) {}

  private error(at: number, problem: string): DiscernError {
    return expressionError(this.what, this.parsed.text, at, problem);
  }

  private unknownColumn(node: ExprNode & { type: 'column' }): DiscernError {
    const names = this.catalog.names();
    const near = closestName(node.name, names);
    const where = this.catalog.source ? ` in ${this.catalog.source}` : '';
    const e = this.error(
      node.start,
      `there is no column ${columnLabel(node.name)}${where}${near ? ` (did you mean ${columnLabel(near)}?)` : ''}; the columns are ${listNames(names, 30)}`,
    );
    return new DiscernError('DATA_INVALID', e.message, { ...e.context, column: node.name, ...(near ? { suggestion: near } : {}), ...(this.catalog.source ? { file: this.catalog.source } : {}) });
  }

  /** Compiles `node`; `inReduction`: inside a reduction's argument, where array columns are read by element. */
  compile(node: ExprNode, inReduction: boolean): Node {
    switch (node.type) {
      case 'number':
        return { src: node, elem: false, kids: [] };
      case 'column': {
        const kind = this.catalog.kind(node.name);
        if (kind === undefined) throw this.unknownColumn(node);
        if (kind === 'categorical')
          throw new DiscernError(
            'DATA_INVALID',
            this.error(node.start, `column ${columnLabel(node.name)} holds text (categories), and expressions compute with numbers`).message,
            { expression: this.parsed.text, position: node.start + 1, column: node.name },
          );
        if (node.index !== undefined) {
          if (kind !== 'array') throw this.error(node.start, `column ${columnLabel(node.name)} holds one value per row, not an array: write ${node.name} without [${node.index}]`);
          return { src: node, elem: false, kids: [] };
        }
        if (kind === 'array') {
          if (!inReduction)
            throw new DiscernError(
              'DATA_INVALID',
              this.error(
                node.start,
                `column ${columnLabel(node.name)} holds an array per row (a variable number of values); use one element, ${node.name}[0], or a reduction: length(${node.name}), sum(${node.name}), max(${node.name}), min(${node.name})`,
              ).message,
              { expression: this.parsed.text, position: node.start + 1, column: node.name },
            );
          return { src: node, elem: true, kids: [] };
        }
        return { src: node, elem: false, kids: [] };
      }
      case 'unary': {
        const arg = this.compile(node.arg, inReduction);
        return { src: node, elem: arg.elem, kids: [arg] };
      }
      case 'binary': {
        const l = this.compile(node.left, inReduction);
        const r = this.compile(node.right, inReduction);
        return { src: node, elem: l.elem || r.elem, kids: [l, r] };
      }
      case 'conditional': {
        const kids = [this.compile(node.test, inReduction), this.compile(node.then, inReduction), this.compile(node.otherwise, inReduction)];
        return { src: node, elem: kids.some((k) => k.elem), kids };
      }
      case 'call': {
        if (isReduction(node)) {
          if (inReduction) throw this.error(node.start, `${node.fn}() inside another reduction: reduce an array once per row`);
          const arg = this.compile(node.args[0]!, true);
          if (!arg.elem)
            throw this.error(
              node.args[0]!.start,
              `${node.fn}() reduces an array column (such as ${node.fn}(Jet_Px)), but its argument holds one value per row${node.fn === 'max' || node.fn === 'min' ? `; for the ${node.fn} of several values write ${node.fn}(a, b)` : ''}`,
            );
          const arrays: string[] = [];
          const collect = (n: ExprNode): void => {
            if (n.type === 'column' && n.index === undefined && this.catalog.kind(n.name) === 'array') {
              if (!arrays.includes(n.name)) arrays.push(n.name);
            } else if (n.type === 'unary') collect(n.arg);
            else if (n.type === 'binary') {
              collect(n.left);
              collect(n.right);
            } else if (n.type === 'conditional') {
              collect(n.test);
              collect(n.then);
              collect(n.otherwise);
            } else if (n.type === 'call') n.args.forEach(collect);
          };
          collect(node.args[0]!);
          return { src: node, elem: false, kids: [arg], arrays };
        }
        const kids = node.args.map((a) => this.compile(a, inReduction));
        return { src: node, elem: kids.some((k) => k.elem), kids };
      }
    }
  }
}

/** A catalog or columns given as names alone: every name a numeric column. */
function asCatalog(available: ColumnCatalog | ExpressionColumns | readonly string[]): ColumnCatalog {
  if (Array.isArray(available)) {
    const names = available as readonly string[];
    const set = new Set(names);
    return { names: () => names, kind: (n) => (set.has(n) ? 'numeric' : undefined) };
  }
  return available as ColumnCatalog;
}

/**
 * Checks an expression against the columns it may read and prepares it for evaluation. A syntax error is
 * INVALID_ARGUMENT; a column that does not exist (with a "did you mean"), a text column, or an array column used
 * without an element or a reduction is DATA_INVALID; each names the character position in the expression.
 * `available` gives the columns: their names (all numeric), a catalog of names and kinds, or the data itself.
 */
export function compileExpression(expression: string | ParsedExpression, available: ColumnCatalog | ExpressionColumns | readonly string[], options: CompileOptions = {}): CompiledExpression {
  const what = options.what ?? 'expression';
  const parsed = typeof expression === 'string' ? parseExpression(expression, what) : expression;
  const catalog = asCatalog(available);
  const root = new Compiler(parsed, catalog, what).compile(parsed.root, false);
  return {
    text: parsed.text,
    columns: parsed.columns,
    evaluate: (data) => {
      // checked again against the data given (cheap: a walk of the tree), so that the kinds are those of `data`
      const tree = data === available ? root : new Compiler(parsed, data, what).compile(parsed.root, false);
      return new Evaluator(tree, parsed, what, data).run();
    },
  };
}

function applyBinary(op: BinaryOp, a: Float64Array, b: Float64Array, o: Float64Array, n: number): void {
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) o[i] = a[i]! + b[i]!;
      return;
    case '-':
      for (let i = 0; i < n; i++) o[i] = a[i]! - b[i]!;
      return;
    case '*':
      for (let i = 0; i < n; i++) o[i] = a[i]! * b[i]!;
      return;
    case '/':
      for (let i = 0; i < n; i++) o[i] = a[i]! / b[i]!;
      return;
    case '%':
      for (let i = 0; i < n; i++) o[i] = a[i]! % b[i]!;
      return;
    case '^':
      for (let i = 0; i < n; i++) o[i] = Math.pow(a[i]!, b[i]!);
      return;
    // comparisons: NaN when either side is missing, else 1 or 0
    case '<':
      for (let i = 0; i < n; i++) {
        const x = a[i]!, y = b[i]!;
        o[i] = x !== x || y !== y ? NaN : x < y ? 1 : 0;
      }
      return;
    case '<=':
      for (let i = 0; i < n; i++) {
        const x = a[i]!, y = b[i]!;
        o[i] = x !== x || y !== y ? NaN : x <= y ? 1 : 0;
      }
      return;
    case '>':
      for (let i = 0; i < n; i++) {
        const x = a[i]!, y = b[i]!;
        o[i] = x !== x || y !== y ? NaN : x > y ? 1 : 0;
      }
      return;
    case '>=':
      for (let i = 0; i < n; i++) {
        const x = a[i]!, y = b[i]!;
        o[i] = x !== x || y !== y ? NaN : x >= y ? 1 : 0;
      }
      return;
    case '==':
      for (let i = 0; i < n; i++) {
        const x = a[i]!, y = b[i]!;
        o[i] = x !== x || y !== y ? NaN : x === y ? 1 : 0;
      }
      return;
    case '!=':
      for (let i = 0; i < n; i++) {
        const x = a[i]!, y = b[i]!;
        o[i] = x !== x || y !== y ? NaN : x !== y ? 1 : 0;
      }
      return;
    // three-valued logic, symmetric: 0 && missing is 0 and true || missing is 1, whichever side is missing
    case '&&':
      for (let i = 0; i < n; i++) {
        const x = a[i]!, y = b[i]!;
        o[i] = x === 0 || y === 0 ? 0 : x !== x || y !== y ? NaN : 1;
      }
      return;
    case '||':
      for (let i = 0; i < n; i++) {
        const x = a[i]!, y = b[i]!;
        o[i] = (x !== 0 && x === x) || (y !== 0 && y === y) ? 1 : x !== x || y !== y ? NaN : 0;
      }
      return;
  }
}

/** Round half away from zero, as C's round and ROOT's TMath::Nint do (JavaScript's Math.round rounds half up). */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

const UNARY_FUNCTIONS: Partial<Record<FunctionName, (x: number) => number>> = {
  abs: Math.abs,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfAway,
};

function applyUnaryFunction(fn: FunctionName, a: Float64Array, o: Float64Array, n: number): void {
  // the common ones as their own loops (a call through a table costs more than the operation)
  switch (fn) {
    case 'abs':
      for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]!);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]!);
      return;
    case 'isnan':
      for (let i = 0; i < n; i++) o[i] = a[i]! !== a[i]! ? 1 : 0;
      return;
    default: {
      const f = UNARY_FUNCTIONS[fn]!;
      for (let i = 0; i < n; i++) o[i] = f(a[i]!);
    }
  }
}

/** The space a block is computed in: rows [from, from + n), or the elements of an array column over those rows. */
interface Space {
  readonly from: number;
  readonly n: number;
  /** Element space: the first element (an index into the array columns' values) and the row of each element. */
  readonly base?: number;
  readonly elemRow?: Int32Array;
}

class Evaluator {
  /** Scratch of elemRow per reduction. */
  private elemRows = new Int32Array(BLOCK);

  constructor(
    private readonly root: Node,
    private readonly parsed: ParsedExpression,
    private readonly what: string,
    private readonly data: ExpressionColumns,
  ) {}

  run(): Float64Array {
    const rows = this.data.rows;
    const out = new Float64Array(rows);
    for (let from = 0; from < rows; from += BLOCK) {
      const n = Math.min(BLOCK, rows - from);
      const v = this.eval(this.root, { from, n });
      out.set(n === v.length ? v : v.subarray(0, n), from);
    }
    return out;
  }

  /** The node's values over the space (a buffer whose first `n` entries are they; a column may be a view of its data). */
  private eval(node: Node, space: Space): Float64Array {
    if (space.elemRow && !node.elem) {
      // a value per row inside a reduction: computed per row, repeated for each element of the row
      const perRow = this.eval(node, { from: space.from, n: space.elemRow.length === 0 ? 0 : space.elemRow[space.n - 1]! + 1 });
      const o = elemBuffer(node, space.n);
      const er = space.elemRow;
      for (let k = 0; k < space.n; k++) o[k] = perRow[er[k]!]!;
      return o;
    }
    const src = node.src;
    const n = space.n;
    const inElem = space.elemRow !== undefined;
    const out = (): Float64Array => (inElem ? elemBuffer(node, n) : rowBuffer(node));
    switch (src.type) {
      case 'number': {
        const o = out();
        o.fill(src.value, 0, n);
        return o;
      }
      case 'column': {
        if (src.index !== undefined) {
          const col = this.data.array(src.name);
          const off = col.offsets, vals = col.values, k = src.index;
          const o = out();
          for (let i = 0; i < n; i++) {
            const r = space.from + i;
            const at = off[r]! + k;
            o[i] = at < off[r + 1]! ? vals[at]! : NaN;
          }
          return o;
        }
        if (inElem) return this.data.array(src.name).values.subarray(space.base!, space.base! + n);
        return this.data.numeric(src.name).subarray(space.from, space.from + n);
      }
      case 'unary': {
        const a = this.eval(node.kids[0]!, space);
        const o = out();
        if (src.op === '-') for (let i = 0; i < n; i++) o[i] = -a[i]!;
        else if (src.op === '+') for (let i = 0; i < n; i++) o[i] = a[i]!;
        else
          for (let i = 0; i < n; i++) {
            const x = a[i]!;
            o[i] = x !== x ? NaN : x === 0 ? 1 : 0;
          }
        return o;
      }
      case 'binary': {
        const a = this.eval(node.kids[0]!, space);
        const o = out();
        const r = src.right;
        // x^2, the square of an invariant mass's terms, as a product: Math.pow costs several times more
        if (src.op === '^' && r.type === 'number' && r.value === 2) {
          for (let i = 0; i < n; i++) o[i] = a[i]! * a[i]!;
          return o;
        }
        const b = this.eval(node.kids[1]!, space);
        applyBinary(src.op, a, b, o, n);
        return o;
      }
      case 'conditional': {
        const t = this.eval(node.kids[0]!, space);
        const x = this.eval(node.kids[1]!, space);
        const y = this.eval(node.kids[2]!, space);
        const o = out();
        for (let i = 0; i < n; i++) {
          const c = t[i]!;
          o[i] = c !== c ? NaN : c !== 0 ? x[i]! : y[i]!;
        }
        return o;
      }
      case 'call': {
        if (node.arrays) return this.reduce(node, src.fn, space);
        const args = node.kids.map((k) => this.eval(k, space));
        const o = out();
        if (args.length === 1) applyUnaryFunction(src.fn, args[0]!, o, n);
        else if (src.fn === 'pow' || src.fn === 'atan2') {
          const a = args[0]!, b = args[1]!;
          if (src.fn === 'pow') for (let i = 0; i < n; i++) o[i] = Math.pow(a[i]!, b[i]!);
          else for (let i = 0; i < n; i++) o[i] = Math.atan2(a[i]!, b[i]!);
        } else if (src.fn === 'hypot') {
          // Math.hypot: no overflow or underflow in the squares
          if (args.length === 2) {
            const a = args[0]!, b = args[1]!;
            for (let i = 0; i < n; i++) o[i] = Math.hypot(a[i]!, b[i]!);
          } else for (let i = 0; i < n; i++) o[i] = Math.hypot(...args.map((a) => a[i]!));
        } else {
          // min or max of several values: NaN if any is NaN (as Math.min / Math.max)
          const f = src.fn === 'max' ? Math.max : Math.min;
          const first = args[0]!;
          for (let i = 0; i < n; i++) o[i] = first[i]!;
          for (let k = 1; k < args.length; k++) {
            const a = args[k]!;
            for (let i = 0; i < n; i++) o[i] = f(o[i]!, a[i]!);
          }
        }
        return o;
      }
    }
  }

  /** A reduction over the rows of a row space: length, sum, max or min of its argument's elements per row. */
  private reduce(node: Node, fn: FunctionName, space: Space): Float64Array {
    const { from, n } = space;
    const names = node.arrays!;
    const first = this.data.array(names[0]!);
    const off = first.offsets;
    // every array column of the argument must have as many values as the first in each row
    for (let k = 1; k < names.length; k++) {
      const other = this.data.array(names[k]!).offsets;
      if (other === off) continue;
      for (let i = 0; i <= n; i++)
        if (other[from + i]! - other[from]! !== off[from + i]! - off[from]!) {
          const r = from + Math.max(0, i - 1);
          throw new DiscernError(
            'DATA_INVALID',
            this.error(
              node.src.start,
              `${fn}() combines array columns ${columnLabel(names[0]!)} and ${columnLabel(names[k]!)}, which hold different numbers of values in row ${r + 1} (${off[r + 1]! - off[r]!} and ${other[r + 1]! - other[r]!}); combine arrays of the same length (the same counter branch)`,
            ).message,
            { expression: this.parsed.text, row: r, column: names[k] },
          );
        }
    }
    const base = off[from]!;
    const count = off[from + n]! - base;
    if (this.elemRows.length < count) this.elemRows = new Int32Array(count);
    const elemRow = this.elemRows.subarray(0, count);
    for (let i = 0; i < n; i++) for (let e = off[from + i]! - base; e < off[from + i + 1]! - base; e++) elemRow[e] = i;
    const v = this.eval(node.kids[0]!, { from, n: count, base, elemRow });
    const o = space.elemRow ? elemBuffer(node, n) : rowBuffer(node);
    for (let i = 0; i < n; i++) {
      const a = off[from + i]! - base, b = off[from + i + 1]! - base;
      if (fn === 'length') o[i] = b - a;
      else if (fn === 'sum') {
        let s = 0;
        for (let e = a; e < b; e++) s += v[e]!;
        o[i] = s;
      } else if (a === b) o[i] = NaN;
      else {
        let m = v[a]!;
        if (fn === 'max') for (let e = a + 1; e < b; e++) m = Math.max(m, v[e]!);
        else for (let e = a + 1; e < b; e++) m = Math.min(m, v[e]!);
        o[i] = m;
      }
    }
    return o;
  }

  private error(at: number, problem: string): DiscernError {
    return expressionError(this.what, this.parsed.text, at, problem);
  }
}

/** Plain columns as ExpressionColumns: numeric arrays and array columns by name, all of `rows` rows. */
export function plainColumns(columns: Readonly<Record<string, Float64Array | ArrayColumn>>, source?: string): ExpressionColumns {
  const names = Object.keys(columns);
  let rows = -1;
  for (const [name, c] of Object.entries(columns)) {
    const r = c instanceof Float64Array ? c.length : c.offsets.length - 1;
    if (rows >= 0 && r !== rows)
      throw new DiscernError('INVALID_ARGUMENT', `column ${columnLabel(name)} has ${r} rows, the others ${rows}; the columns of one table have as many rows each`, { column: name });
    rows = r;
  }
  const get = (name: string) => (Object.hasOwn(columns, name) ? columns[name] : undefined);
  return {
    rows: Math.max(0, rows),
    names: () => names,
    kind: (name) => {
      const c = get(name);
      return c === undefined ? undefined : c instanceof Float64Array ? 'numeric' : 'array';
    },
    numeric: (name) => get(name) as Float64Array,
    array: (name) => get(name) as ArrayColumn,
    ...(source !== undefined ? { source } : {}),
  };
}

/** Counts the values that are not finite (NaN, ±Infinity): rows an expression could not compute. */
export function countNonFinite(values: Float64Array): number {
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) k++;
  return k;
}

/** For messages: `'pt1 > 20'`. */
export function quoteExpression(text: string): string {
  return quote(text, 120);
}
