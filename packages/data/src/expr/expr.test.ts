import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv/parse.js';
import { discernError } from '../testing.test-helpers.js';
import { evaluateExpression, expressionColumns } from './columns.js';
import { type ArrayColumn, compileExpression, plainColumns } from './evaluate.js';
import { parseExpression } from './parse.js';

const f = (...v: number[]) => Float64Array.from(v);

/** The values of an expression over plain columns, as a plain array (NaN kept). */
function values(text: string, columns: Record<string, Float64Array | ArrayColumn>): number[] {
  return [...evaluateExpression(text, columns)];
}

/** An array column from rows of values. */
function jagged(name: string, rows: number[][]): ArrayColumn {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (offsets[i + 1] = offsets[i]! + r.length));
  return { name, offsets, values: Float64Array.from(rows.flat()) };
}

describe('the expression language: values worked by hand', () => {
  const a = f(1, 2, 3, -4), b = f(2, 2, 0.5, 3);

  it('arithmetic with the usual precedence; ^ is a right-associative power binding tighter than unary minus', () => {
    expect(values('a + b * 2', { a, b })).toEqual([5, 6, 4, 2]);
    expect(values('(a + b) * 2', { a, b })).toEqual([6, 8, 7, -2]);
    expect(values('a - b - 1', { a, b })).toEqual([-2, -1, 1.5, -8]); // left-associative
    expect(values('a / b', { a, b })).toEqual([0.5, 1, 6, -4 / 3]);
    expect(values('a % b', { a, b })).toEqual([1, 0, 0, -1]); // C's fmod: the sign of the dividend
    expect(values('2 ^ 3 ^ 2', { a })).toEqual([512, 512, 512, 512]); // 2^(3^2)
    expect(values('-2 ^ 2', { a })).toEqual([-4, -4, -4, -4]);
    expect(values('2 ^ -1', { a })).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(values('-a^2', { a })).toEqual([-1, -4, -9, -16]);
    expect(values('1e-3 * .5 + 2.5E1', { a })).toEqual([25.0005, 25.0005, 25.0005, 25.0005]);
  });

  it('comparisons and logic give 1 or 0; && binds tighter than ||; ! and the ternary', () => {
    expect(values('a > 1', { a })).toEqual([0, 1, 1, 0]);
    expect(values('a >= 2 && b == 2', { a, b })).toEqual([0, 1, 0, 0]);
    expect(values('a < 0 || a == 1 && b == 2', { a, b })).toEqual([1, 0, 0, 1]);
    expect(values('!(a > 1)', { a })).toEqual([1, 0, 0, 1]);
    expect(values('a != 2', { a })).toEqual([1, 0, 1, 1]);
    expect(values('a <= 2 ? 10 : b', { a, b })).toEqual([10, 10, 0.5, 10]);
    expect(values('a > 2 ? 1 : a > 1 ? 2 : 3', { a })).toEqual([3, 2, 1, 3]); // right-associative
  });

  it('the functions', () => {
    expect(values('abs(a)', { a })).toEqual([1, 2, 3, 4]);
    expect(values('sqrt(b)', { b })).toEqual([Math.SQRT2, Math.SQRT2, Math.sqrt(0.5), Math.sqrt(3)]);
    expect(values('pow(a, 2)', { a })).toEqual([1, 4, 9, 16]);
    expect(values('min(a, b)', { a, b })).toEqual([1, 2, 0.5, -4]);
    expect(values('max(a, b, 2.5)', { a, b })).toEqual([2.5, 2.5, 3, 3]);
    expect(values('hypot(3, 4)', { a })).toEqual([5, 5, 5, 5]);
    expect(values('atan2(1, 1)', { a })[0]).toBe(Math.PI / 4);
    expect(values('floor(-2.5) + ceil(2.1)', { a })[0]).toBe(0);
    // half away from zero, as C's round (JavaScript's Math.round(-2.5) is -2)
    expect(values('round(a / 2)', { a })).toEqual([1, 1, 2, -2]);
    expect(values('round(-2.5)', { a })[0]).toBe(-3);
    expect(values('log(exp(2)) + log10(1000)', { a })[0]).toBeCloseTo(5, 14);
    expect(values('sin(0) + cos(0) + tan(0)', { a })[0]).toBe(1);
    expect(values('isnan(a / 0 - a / 0)', { a })).toEqual([1, 1, 1, 1]);
  });

  it('a missing value (NaN) propagates through arithmetic and comparisons, but not past a false && or a true ||, on either side', () => {
    const x = f(NaN, 1, 0), y = f(1, NaN, NaN);
    expect(values('x + 1', { x })).toEqual([NaN, 2, 1]);
    expect(values('x > 0', { x })).toEqual([NaN, 1, 0]);
    expect(values('x == x', { x })).toEqual([NaN, 1, 1]);
    expect(values('x && y', { x, y })).toEqual([NaN, NaN, 0]);
    expect(values('x || y', { x, y })).toEqual([1, 1, NaN]);
    // Kleene's three-valued logic, written out (F false, T true, U missing): the order of the sides never matters
    const F = 0, T = 1, U = NaN;
    const table: [number, number, number, number][] = [
      // a, b, a && b, a || b
      [F, F, F, F],
      [F, T, F, T],
      [F, U, F, U],
      [T, F, F, T],
      [T, T, T, T],
      [T, U, U, T],
      [U, F, F, U],
      [U, T, U, T],
      [U, U, U, U],
    ];
    const a = f(...table.map((r) => r[0])), b = f(...table.map((r) => r[1]));
    expect(values('a && b', { a, b })).toEqual(table.map((r) => r[2]));
    expect(values('a || b', { a, b })).toEqual(table.map((r) => r[3]));
    expect(values('b && a', { a, b })).toEqual(table.map((r) => r[2]));
    expect(values('b || a', { a, b })).toEqual(table.map((r) => r[3]));
    // a true value other than 1 counts as true
    expect(values('a || b', { a: f(NaN, -2), b: f(0.5, NaN) })).toEqual([1, 1]);
    expect(values('!x', { x })).toEqual([NaN, 0, 1]);
    expect(values('x ? 5 : 6', { x })).toEqual([NaN, 5, 6]);
    expect(values('isnan(x)', { x })).toEqual([1, 0, 0]);
  });

  it('array columns: an element by index (NaN past the end), and the reductions length, sum, max, min', () => {
    const Jet_Px = jagged('Jet_Px', [[10, 30, 25], [], [5]]);
    const Jet_E = jagged('Jet_E', [[11, 31, 26], [], [6]]);
    const MET = f(1, 2, 3);
    expect(values('Jet_Px[0]', { Jet_Px })).toEqual([10, NaN, 5]);
    expect(values('Jet_Px[2]', { Jet_Px })).toEqual([25, NaN, NaN]);
    expect(values('length(Jet_Px)', { Jet_Px })).toEqual([3, 0, 1]);
    expect(values('sum(Jet_Px)', { Jet_Px })).toEqual([65, 0, 5]);
    expect(values('max(Jet_Px)', { Jet_Px })).toEqual([30, NaN, 5]);
    expect(values('min(Jet_Px)', { Jet_Px })).toEqual([10, NaN, 5]);
    // per element inside a reduction, one-per-row columns repeated for each element
    expect(values('sum(Jet_Px > 20)', { Jet_Px })).toEqual([2, 0, 0]);
    expect(values('sum(Jet_E - Jet_Px)', { Jet_Px, Jet_E })).toEqual([3, 0, 1]);
    expect(values('sum(Jet_Px * MET)', { Jet_Px, MET })).toEqual([65, 0, 15]);
    expect(values('max(Jet_Px - Jet_Px[0])', { Jet_Px })).toEqual([20, NaN, 0]);
    expect(values('length(Jet_Px) + MET', { Jet_Px, MET })).toEqual([4, 2, 4]);
  });

  it('blocks: a table longer than one block (4,096 rows) and reductions across block edges give every row', () => {
    const n = 10_000;
    const x = new Float64Array(n).map((_, i) => i);
    expect(values('x * 2 + 1', { x }).every((v, i) => v === 2 * i + 1)).toBe(true);
    const rows = Array.from({ length: n }, (_, i) => Array.from({ length: i % 4 }, (_, k) => i + k));
    const J = jagged('J', rows);
    const got = values('sum(J) + length(J) * 1000 + J[1]', { J, x });
    rows.forEach((r, i) => expect(got[i]).toBe(r.reduce((s, v) => s + v, 0) + r.length * 1000 + (r[1] ?? NaN)));
  });

  it('columns of a table read from CSV, including names that need backquotes', () => {
    const t = parseCsv('pt1,pt2,fLength:,label\n25,30,1.5,g\n15,40,2.5,h\n');
    expect([...evaluateExpression('pt1 > 20 && pt2 > 20', t)]).toEqual([1, 0]);
    expect([...evaluateExpression('`fLength:` * 2', t)]).toEqual([3, 5]);
  });
});

describe('the expression language: errors name the place', () => {
  const cols = plainColumns({ pt1: f(1), pt2: f(2), Muon_Px: jagged('Muon_Px', [[1]]) });

  it.each([
    ['pt1 >', 'the expression ends where a number, a column name, a function call or "(" is expected', 6],
    ['pt1 >> 20', 'expected a number, a column name, a function call or "(", found ">"', 6],
    ['(pt1 + 2', 'expected ")" to close the "(" at character 1, found the end of the expression', 9],
    ['pt1 + 2)', '")" closes nothing', 8],
    ['pt1 = 2', 'unexpected character "=" (a comparison is written ==)', 5],
    ['pt1 & pt2', 'unexpected character "&" (logic is written &&)', 5],
    ['pt1 pt2', 'the name "pt2" follows a complete expression (an operator is missing?)', 5],
    ['', 'the expression is empty', 1],
    ['1e', 'the exponent of the number "1e" has no digits', 2],
    ['2pt', '"2p" is neither a number nor a name', 2],
    ['Math.sin(pt1)', '"Math.sin" is not a function of the expression language', 1],
    ['sqr(pt1)', '"sqr" is not a function of the expression language (did you mean "sqrt"?)', 1],
    ['pow(pt1)', 'pow() takes 2 arguments, got 1', 1],
    ['Muon_Px[x]', 'an array element is chosen by a whole number', 9],
    ['Muon_Px[1.5]', 'an array element is chosen by a whole number', 9],
    ['pt1 ? 1', 'expected ":", found the end of the expression', 8],
    ['"GT"', 'unexpected character "\\"" (expressions compute with numbers', 1],
    ['1e999', 'the number 1e999 is too large for a double', 1],
  ])('%j: %s, at character %i', (text, problem, position) => {
    const e = discernError(() => parseExpression(text, 'data.cut'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(problem);
    expect(e.message).toContain(`at character ${position} (`);
    expect(e.message.startsWith(`data.cut ${JSON.stringify(text)}: `)).toBe(true);
    expect(e.context.position).toBe(position);
  });

  it('shows the text before the place', () => {
    const e = discernError(() => parseExpression('pt1 > 20 && && pt2', 'data.cut'));
    expect(e.message).toContain('at character 13 (pt1 > 20 && ▸&& pt2)');
  });

  it('an unknown column is DATA_INVALID with a did-you-mean and the list of columns', () => {
    const e = discernError(() => compileExpression('pt1 + pT2', cols, { what: 'data.define.x' }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("there is no column 'pT2' (did you mean 'pt2'?); the columns are 'pt1', 'pt2', 'Muon_Px'");
    expect(e.message).toContain('at character 7');
    expect(e.context).toMatchObject({ column: 'pT2', suggestion: 'pt2' });
  });

  it('an array column without an index or a reduction, and a reduction of a one-value column', () => {
    const e = discernError(() => compileExpression('Muon_Px > 1', cols));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("column 'Muon_Px' holds an array per row (a variable number of values); use one element, Muon_Px[0], or a reduction: length(Muon_Px)");
    expect(discernError(() => compileExpression('sum(pt1)', cols)).message).toContain('sum() reduces an array column (such as sum(Jet_Px)), but its argument holds one value per row');
    expect(discernError(() => compileExpression('max(pt1)', cols)).message).toContain('for the max of several values write max(a, b)');
    expect(discernError(() => compileExpression('pt1[0]', cols)).message).toContain("column 'pt1' holds one value per row, not an array");
    expect(discernError(() => compileExpression('sum(Muon_Px - max(Muon_Px))', cols)).message).toContain('max() inside another reduction');
  });

  it('a text column is refused: expressions compute with numbers', () => {
    const t = parseCsv('Type,E\nGT,1\nTT,2\n');
    const e = discernError(() => evaluateExpression('Type > 1', t));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("column 'Type' holds text (categories), and expressions compute with numbers");
  });

  it('arrays of different lengths in one reduction are refused, naming the row', () => {
    const A = jagged('A', [[1, 2], [3]]), B = jagged('B', [[1, 2], [3, 4]]);
    const e = discernError(() => evaluateExpression('sum(A * B)', { A, B }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("hold different numbers of values in row 2 (1 and 2)");
  });

  it('compiled against names, evaluated over other data: the data is checked again', () => {
    const c = compileExpression('x + 1', ['x']);
    expect([...c.evaluate(expressionColumns({ x: f(1, 2) }))]).toEqual([2, 3]);
    expect(discernError(() => c.evaluate(expressionColumns({ y: f(1) }))).message).toContain("there is no column 'x'");
  });

  it('refuses what would exhaust the stack or memory: deep nesting and very long text', () => {
    expect(discernError(() => parseExpression('('.repeat(500) + '1' + ')'.repeat(500))).message).toContain('nests deeper than 100 levels');
    expect(discernError(() => parseExpression('-'.repeat(500) + '1')).message).toContain('nests deeper than 100 levels');
    expect(discernError(() => parseExpression('1+'.repeat(6000) + '1')).message).toContain('at most 10000');
  });
});

describe('a name with letters outside ASCII', () => {
  it('is refused with the hint to backquote it, and reads in backquotes', () => {
    expect(() => parseExpression('μ_pt * 2')).toThrow(/unexpected character "μ" \(a name is written with ASCII letters, digits and "_"; a column named with other characters goes in backquotes/);
    expect(parseExpression('`μ_pt` * 2').columns).toEqual(['μ_pt']);
  });
});
