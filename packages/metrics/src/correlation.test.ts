import { describe, expect, it } from 'vitest';
import { correlationByClass, correlationMatrix } from './correlation.js';
import { errorText, expectAllClose, loadFixture } from './fixture.test-helpers.js';
import { type CorrelationBlock, type ProtocolFixture } from './protocol-fixture.test-helpers.js';

const fx = loadFixture<ProtocolFixture>('protocol.json');

const matrixOf = (rows: number[][]) => ({ rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) });

function expectBlock(r: { matrix: Float64Array; mean: Float64Array; std: Float64Array }, b: CorrelationBlock, what: string): void {
  expectAllClose(r.matrix, b.matrix.flat(), 1e-12, `${what} matrix`);
  expectAllClose(r.mean, b.mean, 1e-12, `${what} mean`);
  expectAllClose(r.std, b.std, 1e-12, `${what} std`);
}

describe('weighted correlation matrices against numpy (np.cov with aweights), to 1e-12', () => {
  it('has the reference cases', () => expect(fx.correlation.length).toBeGreaterThanOrEqual(3));
  for (const c of fx.correlation) {
    it(c.name, () => {
      const X = matrixOf(c.X);
      const w = c.weights ? { weights: c.weights } : {};
      expectBlock(correlationMatrix(X, w), c.all, 'all');
      const per = correlationByClass(X, c.y, c.n_classes, w);
      per.forEach((r, k) => expectBlock(r!, c.per_class[k]!, `class ${k}`));
    });
  }
});

describe('correlation, worked by hand', () => {
  it('x, 2x and −x + 1 correlate ±1; the diagonal is exactly 1; the matrix is symmetric', () => {
    const r = correlationMatrix(matrixOf([[1, 2, 0], [2, 4, -1], [3, 6, -2], [5, 10, -4]]));
    expect([...r.matrix]).toEqual([1, 1, -1, 1, 1, -1, -1, -1, 1]);
    expect([...r.mean]).toEqual([2.75, 5.5, -1.75]);
  });
  it('x = [0, 1, 0, 1], y = [0, 0, 1, 1] with weights [1, 1, 1, 3]: r = 1/4', () => {
    // W = 6, x̄ = ȳ = 4/6 = ⅔
    const r = correlationMatrix(matrixOf([[0, 0], [1, 0], [0, 1], [1, 1]]), { weights: [1, 1, 1, 3] });
    // cov = Σw x y / W − x̄ȳ = 3/6 − 4/9 = 1/18; var = Σw x² / W − x̄² = 4/6 − 4/9 = 2/9; r = (1/18)/(2/9) = 1/4
    expect(r.matrix[1]).toBeCloseTo(0.25, 15);
  });
  it('a constant column has NaN in its row and column, diagonal included', () => {
    // x = [1, 2, 3], z = [2, 1, 5]: dx = [−1, 0, 1], dz = [−⅔, −5⁄3, 7⁄3]; Σdx·dz = 3, Σdx² = 2, Σdz² = 26⁄3 → r = 3/√(52/3)
    const r = correlationMatrix(matrixOf([[1, 7, 2], [2, 7, 1], [3, 7, 5]]));
    expect(Array.from(r.matrix, (v) => (Number.isNaN(v) ? 'NaN' : +v.toFixed(6)))).toEqual([1, 'NaN', 0.720577, 'NaN', 'NaN', 'NaN', 0.720577, 'NaN', 1]);
    expect(r.std[1]).toBe(0);
  });
  it('rows select a subset; a class without rows is undefined; errors name the problem', () => {
    const X = matrixOf([[1, 1], [2, 3], [3, 2], [9, 9]]);
    expect([...correlationMatrix(X, { rows: [0, 1, 2] }).matrix]).toEqual([...correlationMatrix(matrixOf([[1, 1], [2, 3], [3, 2]])).matrix]);
    expect(correlationByClass(X, [0, 0, 0, 0], 2)[1]).toBeUndefined();
    expect(errorText(() => correlationMatrix(X, { weights: [1, -1, 0, 0] }))).toBe('DATA_INVALID: the total weight of the rows is 0; it must be positive for a correlation matrix');
    expect(errorText(() => correlationMatrix(X, { rows: [4] }))).toBe('INVALID_ARGUMENT: rows[0] is 4; expected a row index in 0..3');
    expect(errorText(() => correlationByClass(X, [0, 1], 2))).toBe('INVALID_ARGUMENT: yTrue has 2 entries but X rows has 4; they must have the same length');
    // by class: the class whose weights do not sum to a positive number, with its rows and total (class 1: −1 + −2)
    expect(errorText(() => correlationByClass(X, [0, 1, 0, 1], 2, { weights: [5, -1, 5, -2] }))).toBe(
      'DATA_INVALID: the event weights of class 1 (its 2 rows) sum to -3; its correlation matrix needs a positive total',
    );
  });
});
