/**
 * The expressions of a config over a table as read: the derived columns (data.define, features written as
 * expressions), the columns they read from the files, and their errors said at the expression's config key.
 */
import { type Definition, type ParsedExpression, type Table, compileExpression, parseExpression, tableColumns } from '@discern/data';
import { DiscernError, isDiscernError } from '@discern/core';
import { type PipelineConfig } from '../config/load.js';

/** An expression of the config, parsed (the schema parsed it once already, so this cannot fail), with its config path. */
export interface ConfigExpression {
  readonly path: string;
  readonly parsed: ParsedExpression;
}

/**
 * The derived columns of a config: data.define in order, then features that are expressions (`Muon_Px[0]`), unless
 * the table at hand has a column of that very name (`handicapped-infants` is a column, not a subtraction).
 */
export function definitions(config: PipelineConfig, table?: Table): (Definition & { readonly path: string })[] {
  const out: (Definition & { readonly path: string })[] = [];
  for (const [name, text] of Object.entries(config.data.define ?? {})) out.push({ name, expression: parseExpression(text, `data.define.${name}`), what: `data.define.${name}`, path: `data.define.${name}` });
  const has = table ? new Set([...table.columns.map((c) => c.name), ...(table.arrays ?? []).map((a) => a.name)]) : undefined;
  (config.data.features ?? []).forEach((f, i) => {
    if (config.data.define && Object.hasOwn(config.data.define, f)) return;
    if (has?.has(f)) return;
    const e = featureExpression(f);
    if (e) out.push({ name: f, expression: e, what: `data.features[${i}]`, path: `data.features[${i}]` });
  });
  return out;
}

/** A feature written as an expression (an array element, a reduction, a formula): computed as a derived column. */
function featureExpression(f: string): ParsedExpression | undefined {
  let parsed: ParsedExpression;
  try {
    parsed = parseExpression(f);
  } catch {
    return undefined; // a column name that is no expression (`fLength:`): looked up as it is
  }
  const r = parsed.root;
  if (r.type === 'column' && r.index === undefined) return undefined;
  return parsed;
}

/** The columns a config's expressions, features, label and weight read from the files (undefined: every column). */
function neededColumns(config: PipelineConfig, extra: readonly (ParsedExpression | undefined)[]): string[] | undefined {
  const d = config.data;
  if (d.features === undefined) return undefined;
  // a feature that reads as an expression may also be a column's name: both are asked for, and the readers leave
  // out what a file lacks (lenient), so that a name the data lacks is reported where it is used, in the user's terms
  const defs = definitions(config);
  const defined = new Set(Object.keys(d.define ?? {}));
  const need = new Set<string>();
  for (const f of d.features) if (!defined.has(f)) need.add(f);
  if (d.label !== undefined && !d.samples) need.add(d.label);
  if (d.weight !== undefined) need.add(d.weight);
  const exprs = [...defs.map((x) => x.expression as ParsedExpression), ...(d.cut !== undefined ? [parseExpression(d.cut)] : []), ...extra.filter((x): x is ParsedExpression => x !== undefined)];
  for (const e of exprs) for (const c of e.columns) need.add(c);
  return [...need].filter((c) => !defined.has(c));
}

/**
 * An expression's error that concerns the data as a whole (a column the file lacks, an array read as one value or the
 * reverse; not a row's value): a config error at the expression's key with where it is written; any other error as
 * it is.
 */
function atExpressionKey(config: PipelineConfig, path: string, e: unknown): unknown {
  if (!isDiscernError(e) || (e.code !== 'DATA_INVALID' && e.code !== 'INVALID_ARGUMENT') || typeof e.context.expression !== 'string' || e.context.row !== undefined) return e;
  // the message starts with what the expression is (its key) when the expression was compiled under that name
  return config.error(path, e.message.startsWith(`${path} `) ? e.message.slice(path.length + 1) : e.message);
}

/** Runs `f`, an expression's work, its errors said at the expression's key (atExpressionKey). */
export function atKey<T>(config: PipelineConfig, path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw atExpressionKey(config, path, e);
  }
}

/** An expression's values over a table; a column error is a config error at the expression's key. */
export function valuesAt(config: PipelineConfig, path: string, parsed: ParsedExpression, table: Table): Float64Array {
  const cols = tableColumns(table);
  return atKey(config, path, () => compileExpression(parsed, cols, { what: path }).evaluate(cols));
}

/** A DATA_INVALID about a missing value in a derived column says which expression made it. */
export function explainDerived(config: PipelineConfig, e: unknown): unknown {
  if (!isDiscernError(e) || e.code !== 'DATA_INVALID' || typeof e.context.column !== 'string') return e;
  // data.define's columns, and features written as expressions with an index or a function call (a feature named
  // like a subtraction, `handicapped-infants`, is a column of the file)
  const d = definitions(config).find((x) => x.name === e.context.column && (x.path.startsWith('data.define') || /[[(]/.test(x.name)));
  if (!d || !/missing/.test(e.message)) return e;
  const loc = config.where(d.path);
  return new DiscernError(
    e.code,
    // a template still: the options it names are said in the config's terms by inConfigTerms later
    (n) => `${e.renamed(n).message} (the column is ${d.path}${loc ? ` (${loc})` : ''}: its expression gives no finite number there, e.g. the square root of a negative number, a division by zero, or a missing input)`,
    { ...e.context, configPath: d.path },
    { cause: e },
  );
}

/**
 * A feature the file lacks that was meant as an expression (`sqrt(x`, `Jet_Px[1.5]`): a name that does not parse is
 * looked up as a column (a file may name one `fLength:`), so the "not in the file" error also says why it was not
 * read as an expression.
 */
export function notAnExpression(config: PipelineConfig, e: unknown): unknown {
  if (!isDiscernError(e) || typeof e.context.column !== 'string') return e;
  const f = e.context.column;
  if (!(config.data.features ?? []).includes(f) || !/[()[\]+*/^<>=!&|%?,]/.test(f)) return e;
  try {
    parseExpression(f);
    return e;
  } catch (p) {
    if (!isDiscernError(p)) return e;
    const problem = typeof p.context.problem === 'string' ? p.context.problem : p.message;
    const at = typeof p.context.position === 'number' ? `, at character ${p.context.position}` : '';
    return new DiscernError(e.code, (n) => `${e.renamed(n).message}; read as an expression, it does not parse: ${problem}${at}`, e.context, { cause: e });
  }
}

/**
 * A column a reader did not find (a ROOT branch, a Parquet column) that an expression of the config names: said as a
 * config error at that expression's key, with the reader's message (and its did-you-mean).
 */
export function expressionColumnError(config: PipelineConfig, e: unknown, extra: readonly ConfigExpression[] = []): unknown {
  if (!isDiscernError(e) || e.code !== 'DATA_INVALID' || typeof e.context.column !== 'string' || e.context.row !== undefined) return e;
  const column = e.context.column;
  const exprs: ConfigExpression[] = [
    ...definitions(config).map((x) => ({ path: x.path, parsed: x.expression as ParsedExpression })),
    ...(config.data.cut !== undefined ? [{ path: 'data.cut', parsed: parseExpression(config.data.cut) }] : []),
    ...extra,
  ];
  const by = exprs.find((x) => x.parsed.columns.includes(column));
  return by ? config.error(by.path, e.message) : e;
}

/** Parquet and ROOT files are read for the columns the config uses (when its features are listed), CSV whole. */
export function columnsOption(config: PipelineConfig, extra: readonly (ParsedExpression | undefined)[]): { columns?: readonly string[]; lenient?: boolean } {
  const cols = neededColumns(config, extra);
  return cols ? { columns: cols, lenient: true } : {};
}
