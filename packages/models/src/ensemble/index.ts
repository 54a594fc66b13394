export { FoldEnsemble, stratifiedFolds } from './fold-ensemble.js';
export type { EnsembleMode, FoldEnsembleJSON, FoldEnsembleOptions, FoldMember } from './fold-ensemble.js';
export { FOLD_OPS, checkFoldExpr, columnsOutside, evaluateFoldExpr, foldColumns, foldOfRows } from './fold-rule.js';
export type { FoldExpr, FoldOp, FoldRule } from './fold-rule.js';
