export {
  allFinite,
  assertFinite,
  cloneMatrix,
  denseMatrix,
  fromMlMatrix,
  fromRows,
  getColumn,
  matmul,
  rowView,
  takeColumns,
  takeRows,
  toMlMatrix,
  toRows,
  transpose,
  zeros,
} from './matrix.js';
export type { DenseMatrix } from './matrix.js';
export { clip, dot, logSigmoid, logSoftmaxInto, logSumExp, logit, norm2, sigmoid, softmax, softmaxInto, softmaxRowsInPlace, softplus, stableSum } from './numerics.js';
export { gemvInto, gemvTInto, logLossPassInto } from './kernels.js';
export { expNonPositive, log1pUnit } from './elementary.js';
export { HandoverMonitor } from './handover.js';
export { SimdHeap, loglossScratch, measureVectorPeak, measureVectorPeakOn, relaxedSimdAvailable, setSimdEnabled, simdEnabled } from './wasm/simd.js';
export type { SimdKernels } from './wasm/simd.js';
export { cholesky, choleskyInverse, choleskySolve, logDetFromCholesky, lowerInverse, solveLower, solveUpperT } from './cholesky.js';
export type { CholeskyOptions, CholeskyResult } from './cholesky.js';
export { LOG_2PI, columnVariance, mvnLogNormaliser, mvnLogPdf, mvnLogPdfRows, normalLogPdf, weightedCovariance, weightedMean } from './stats.js';
export { symmetricEigenvalues } from './eigen.js';
export { createRng, stratifiedFoldOf } from './rng.js';
export type { Rng } from './rng.js';
