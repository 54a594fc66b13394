import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { assertArg } from '@discern/core';

/**
 * Eigenvalues of a symmetric p×p matrix (row-major; only the lower triangle is read, the upper is taken as its
 * mirror), largest first. ml-matrix's EigenvalueDecomposition with assumeSymmetric: Householder reduction to
 * tridiagonal form and the implicit QL algorithm (JAMA's tred2/tql2), backward stable: every eigenvalue is exact for a
 * matrix within a few ulps·‖A‖ of the input, so a singular scatter matrix shows eigenvalues ~1e-16·‖A‖, far below
 * any rank tolerance. Used to count the significant directions of a scatter matrix (QDA and LDA's rank test, as
 * scikit-learn does with an SVD of the centred data).
 */
export function symmetricEigenvalues(a: ArrayLike<number>, p: number): Float64Array {
  assertArg(a.length === p * p, `symmetricEigenvalues: expected ${p}×${p} = ${p * p} values, got ${a.length}`);
  if (p === 0) return new Float64Array(0);
  const m = new Matrix(p, p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      const v = a[i * p + j]!;
      m.set(i, j, v);
      m.set(j, i, v);
    }
  const ev = Float64Array.from(new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues);
  return ev.sort().reverse();
}
