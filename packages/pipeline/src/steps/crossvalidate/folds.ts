import { closestName, isDiscernError } from '@discern/core';
import { type Dataset, type ExprNode, kFold, parseExpression } from '@discern/data';
import { type FoldExpr, type FoldRule, foldOfRows } from '@discern/models';

/**
 * The folds of a cross-validation: k stratified (or plain) random folds seeded from the run, or the folds of a fold
 * expression (`fold: "EventNumber % 5"`, TMVA's SplitExpr), whose value v gives each event the fold ⌊v⌋ mod k.
 *
 * A fold expression is parsed by @discern/data's expression language and held as @discern/models' FoldRule, which
 * computes the folds here, in the fold ensemble when it is applied by fold, and in its ONNX graph: one arithmetic,
 * so the event the crossvalidate step held out of fold f is the one the ensemble scores with model f.
 */

/** What a fold expression may use: operations the ONNX graph computes bit for bit as TypeScript does. */
export const FOLD_EXPRESSION_LANGUAGE = 'numbers, column names, + − * / %, abs, floor, ceil, round, min and max';

const BINARY: Readonly<Record<string, FoldExpr['op']>> = { '+': '+', '-': '-', '*': '*', '/': '/', '%': '%' };
const CALLS: ReadonlySet<string> = new Set(['abs', 'floor', 'ceil', 'round', 'min', 'max']);

/** Why a parsed expression cannot be a fold rule (undefined when it can), with the text of the part that cannot. */
export function foldExpressionProblem(text: string, root: ExprNode): string | undefined {
  const part = (n: ExprNode) => JSON.stringify(text.slice(n.start, n.end));
  const walk = (n: ExprNode): string | undefined => {
    switch (n.type) {
      case 'number':
        return undefined;
      case 'column':
        return n.index !== undefined ? `${part(n)} reads an element of an array column; a fold expression reads plain columns` : undefined;
      case 'unary':
        return n.op === '!' ? `${part(n)} uses "!"` : walk(n.arg);
      case 'binary':
        return BINARY[n.op] ? (walk(n.left) ?? walk(n.right)) : `${part(n)} uses "${n.op}"`;
      case 'conditional':
        return `${part(n)} is a conditional (?:)`;
      case 'call':
        if (!CALLS.has(n.fn)) return `${part(n)} calls ${n.fn}()`;
        if ((n.fn === 'min' || n.fn === 'max') && (n.args.length < 2 || n.args.length > 16)) return `${part(n)}: ${n.fn}() takes 2 to 16 arguments in a fold expression`;
        for (const a of n.args) {
          const why = walk(a);
          if (why) return why;
        }
        return undefined;
    }
  };
  const why = walk(root);
  return why ? `${why}, which a fold expression cannot use (it must compute in the exported ONNX graph exactly as here); it may use ${FOLD_EXPRESSION_LANGUAGE}` : undefined;
}

/**
 * The message of a fold expression that does not parse or cannot be a fold rule, or undefined: for the config check
 * (columns are known only when the data is read).
 */
export function checkFoldExpression(text: string): string | undefined {
  try {
    const parsed = parseExpression(text, 'fold expression');
    return foldExpressionProblem(text, parsed.root);
  } catch (e) {
    if (isDiscernError(e)) return e.message;
    throw e;
  }
}

/**
 * The fold rule of an expression over a dataset's feature columns (by index). Throws with the message of
 * checkFoldExpression, or naming a column the dataset does not have.
 */
export function foldRuleOf(text: string, featureNames: readonly string[], featuresListed = true): FoldRule | { readonly problem: string } {
  const problem = checkFoldExpression(text);
  if (problem) return { problem };
  const parsed = parseExpression(text, 'fold expression');
  const missing = parsed.columns.filter((c) => !featureNames.includes(c));
  if (missing.length > 0) {
    const quoted = missing.map((c) => JSON.stringify(c)).join(', ');
    const near = missing.flatMap((c) => {
      const n = closestName(c, featureNames);
      return n ? [missing.length === 1 ? JSON.stringify(n) : `${JSON.stringify(n)} for ${JSON.stringify(c)}`] : [];
    });
    return {
      problem:
        `the fold expression ${JSON.stringify(text)} reads ${quoted}, which ${missing.length === 1 ? 'is not a column' : 'are not columns'} of the dataset (its columns: ${featureNames.join(', ')}` +
        `${near.length > 0 ? `; did you mean ${near.join(', ')}?` : ''})` +
        // with data.features left out every column of the file is read: the column is not in the file
        (featuresListed ? `; to fold by ${missing.length === 1 ? 'it' : 'them'}, add ${quoted} to data.features (the columns of a fold expression pick the fold and are not inputs of the fold models)` : ''),
    };
  }
  const convert = (n: ExprNode): FoldExpr => {
    switch (n.type) {
      case 'number':
        return { op: 'number', value: n.value };
      case 'column':
        return { op: 'input', index: featureNames.indexOf(n.name) };
      case 'unary':
        return n.op === '-' ? { op: 'neg', args: [convert(n.arg)] } : convert(n.arg);
      case 'binary':
        return { op: BINARY[n.op]! as '+', args: [convert(n.left), convert(n.right)] };
      case 'call':
        return { op: n.fn as 'abs', args: n.args.map(convert) };
      case 'conditional':
        throw new Error('internal: a conditional passed the fold expression check');
    }
  };
  return { expression: text, tree: convert(parsed.root) };
}

export interface Folds {
  /** The fold of each row, 0..k−1. */
  readonly fold: Int32Array;
  readonly k: number;
  /** Set when the folds come from a fold expression. */
  readonly rule?: FoldRule;
}

/** The folds of a dataset: by the rule (its value on each row), or k seeded random folds, stratified by class or not. */
export function assignFolds(ds: Dataset, k: number, how: { readonly rule?: FoldRule; readonly stratify: boolean; readonly seed: number }): Folds {
  if (how.rule) return { fold: foldOfRows(how.rule, ds.X, k), k, rule: how.rule };
  const fold = new Int32Array(ds.X.rows);
  kFold(ds, k, { stratify: how.stratify, seed: how.seed }).forEach((s, f) => {
    for (const i of s.test) fold[i] = f;
  });
  return { fold, k };
}

/**
 * Why k stratified folds of a dataset cannot each hold every class (undefined when they can): a class with fewer
 * than k events leaves some fold without it, whose AUC is undefined and whose model (trained without the class'
 * events of that fold) is scored on a different mix. `dataset` names the data in the message.
 */
export function stratifiedFoldsProblem(ds: Pick<Dataset, 'y' | 'classNames'>, k: number, dataset: string): string | undefined {
  const counts = new Array<number>(ds.classNames.length).fill(0);
  for (const c of ds.y) if (c >= 0) counts[c]!++;
  let least = -1;
  counts.forEach((n, c) => {
    if (n > 0 && n < k && (least < 0 || n < counts[least]!)) least = c;
  });
  if (least < 0) return undefined;
  const n = counts[least]!;
  return `${k} stratified folds need at least ${k} events of every class, but class ${JSON.stringify(ds.classNames[least])} has ${n} in ${dataset}, so ${k - n} fold${k - n === 1 ? '' : 's'} would hold none of it; ${n >= 2 ? `use folds: ${n} or fewer` : 'a class of one event cannot be cross-validated: add events of it'}`;
}

/** Row indices in each fold, ascending. */
export function foldRows(folds: Folds): Int32Array[] {
  const rows: number[][] = Array.from({ length: folds.k }, () => []);
  folds.fold.forEach((f, i) => rows[f]!.push(i));
  return rows.map((r) => Int32Array.from(r));
}
