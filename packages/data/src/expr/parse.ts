/**
 * The expression language of `data.define`, `data.cut` and sample weights: a small Pratt parser from text to a tree.
 *
 * What it accepts, and nothing else (no property access, no calls outside the list, no JavaScript):
 * - numbers (`20`, `2.5`, `.5`, `1e-3`), column names (`pt1`, `Muon_Px`, a name with other characters in backquotes:
 *   `` `fLength:` ``), an element of an array column by a whole-number index (`Muon_Px[0]`);
 * - `+ - * / % ^` (`^` is the power, right-associative and binding tighter than a unary minus: `-2^2` is −4, as in
 *   ROOT's TFormula and in mathematics), comparisons `< <= > >= == !=`, logic `&& || !`, the ternary `c ? a : b`;
 * - the functions of FUNCTIONS.
 *
 * Precedence, loosest first: `?:`, `||`, `&&`, `== !=`, `< <= > >=`, `+ -`, `* / %`, unary `- + !`, `^`. Every error
 * is a DiscernError (INVALID_ARGUMENT) that says what was expected and where, by character position (1-based) in
 * the expression, with the text before it.
 */
import { DiscernError, quote } from '@discern/core';
import { closestName } from '../csv/cells.js';

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&&' | '||';
export type UnaryOp = '-' | '+' | '!';

/** Positions are 0-based offsets into the expression text: [start, end). */
interface Span {
  readonly start: number;
  readonly end: number;
}

export type ExprNode =
  | (Span & { readonly type: 'number'; readonly value: number })
  | (Span & { readonly type: 'column'; readonly name: string; readonly index?: number })
  | (Span & { readonly type: 'unary'; readonly op: UnaryOp; readonly arg: ExprNode })
  | (Span & { readonly type: 'binary'; readonly op: BinaryOp; readonly left: ExprNode; readonly right: ExprNode })
  | (Span & { readonly type: 'conditional'; readonly test: ExprNode; readonly then: ExprNode; readonly otherwise: ExprNode })
  | (Span & { readonly type: 'call'; readonly fn: FunctionName; readonly args: readonly ExprNode[] });

/** The functions an expression may call, with the number of arguments each takes. */
export const FUNCTIONS = {
  abs: [1, 1],
  sqrt: [1, 1],
  exp: [1, 1],
  log: [1, 1],
  log10: [1, 1],
  pow: [2, 2],
  min: [1, Infinity],
  max: [1, Infinity],
  hypot: [2, Infinity],
  atan2: [2, 2],
  sin: [1, 1],
  cos: [1, 1],
  tan: [1, 1],
  floor: [1, 1],
  ceil: [1, 1],
  round: [1, 1],
  length: [1, 1],
  sum: [1, 1],
  isnan: [1, 1],
} as const satisfies Record<string, readonly [number, number]>;

export type FunctionName = keyof typeof FUNCTIONS;

const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** The longest expression read, in characters, and the deepest nesting: a config holds short formulas. */
export const MAX_EXPRESSION_LENGTH = 10_000;
const MAX_DEPTH = 100;

/** A parsed expression: its text, its tree, and the columns it names (in order of first use). */
export interface ParsedExpression {
  readonly text: string;
  readonly root: ExprNode;
  readonly columns: readonly string[];
}

type TokenType = 'number' | 'name' | 'op' | 'end';

interface Token extends Span {
  readonly type: TokenType;
  /** The operator or punctuation text, the name (backquotes removed), or the number's text. */
  readonly text: string;
  readonly value?: number;
}

const OPERATORS = ['&&', '||', '<=', '>=', '==', '!=', '+', '-', '*', '/', '%', '^', '<', '>', '!', '(', ')', '[', ']', ',', '?', ':'];

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isNamePart(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** What stands at a position, for messages: `'>'`, `the name 'pt'`, `the end of the expression`. */
function describe(t: Token): string {
  if (t.type === 'end') return 'the end of the expression';
  if (t.type === 'number') return `the number ${t.text}`;
  if (t.type === 'name') return `the name ${quote(t.text)}`;
  return quote(t.text);
}

export class ExpressionParser {
  private readonly tokens: Token[] = [];
  private pos = 0;
  private depth = 0;
  private readonly columns: string[] = [];

  constructor(
    private readonly text: string,
    private readonly what: string,
  ) {}

  /** An error at character offset `at` of the text. */
  error(at: number, problem: string): DiscernError {
    return expressionError(this.what, this.text, at, problem);
  }

  private tokenize(): void {
    const s = this.text;
    const n = s.length;
    let i = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        i++;
        continue;
      }
      const start = i;
      if (isDigit(c) || (c === 46 && i + 1 < n && isDigit(s.charCodeAt(i + 1)))) {
        while (i < n && isDigit(s.charCodeAt(i))) i++;
        if (i < n && s.charCodeAt(i) === 46) {
          i++;
          while (i < n && isDigit(s.charCodeAt(i))) i++;
        }
        if (i < n && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69)) {
          let j = i + 1;
          if (j < n && (s.charCodeAt(j) === 43 || s.charCodeAt(j) === 45)) j++;
          if (j < n && isDigit(s.charCodeAt(j))) {
            while (j < n && isDigit(s.charCodeAt(j))) j++;
            i = j;
          } else throw this.error(i, `the exponent of the number ${quote(s.slice(start, i + 1))} has no digits (write 1e-3, 2.5E4)`);
        }
        if (i < n && (isNameStart(s.charCodeAt(i)) || s.charCodeAt(i) === 46))
          throw this.error(i, `${quote(s.slice(start, i + 1))} is neither a number nor a name (a column name starts with a letter or _)`);
        const text = s.slice(start, i);
        const value = Number(text);
        if (!Number.isFinite(value)) throw this.error(start, `the number ${text} is too large for a double`);
        this.tokens.push({ type: 'number', text, value, start, end: i });
        continue;
      }
      if (isNameStart(c)) {
        // letters, digits, _ and dots between them (ROOT's split branches: `event.fPx`)
        i++;
        for (;;) {
          while (i < n && isNamePart(s.charCodeAt(i))) i++;
          if (i + 1 < n && s.charCodeAt(i) === 46 && isNamePart(s.charCodeAt(i + 1))) i++;
          else break;
        }
        this.tokens.push({ type: 'name', text: s.slice(start, i), start, end: i });
        continue;
      }
      if (c === 96) {
        // `any column name` (a backquote inside is written twice)
        let name = '';
        i++;
        for (;;) {
          if (i >= n) throw this.error(start, 'the backquote that opens a column name is never closed');
          const d = s.charCodeAt(i);
          if (d === 96) {
            if (i + 1 < n && s.charCodeAt(i + 1) === 96) {
              name += '`';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          name += s[i];
          i++;
        }
        if (name === '') throw this.error(start, 'an empty column name between backquotes');
        this.tokens.push({ type: 'name', text: name, start, end: i });
        continue;
      }
      const op = OPERATORS.find((o) => s.startsWith(o, i));
      if (op === undefined) {
        const ch = String.fromCodePoint(s.codePointAt(i)!);
        const hint =
          ch === '='
            ? ' (a comparison is written ==)'
            : ch === '&' || ch === '|'
              ? ` (logic is written ${ch}${ch})`
              : ch === '"' || ch === "'"
                ? ' (expressions compute with numbers; a column name with other characters goes in backquotes)'
                : /[\p{L}\p{N}_]/u.test(ch)
                  ? ' (a name is written with ASCII letters, digits and "_"; a column named with other characters goes in backquotes, e.g. `p_T (GeV)`)'
                  : '';
        throw this.error(i, `unexpected character ${quote(ch)}${hint}`);
      }
      i += op.length;
      this.tokens.push({ type: 'op', text: op, start, end: i });
    }
    this.tokens.push({ type: 'end', text: '', start: n, end: n });
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === text;
  }

  private expect(text: string, opened?: Token): Token {
    const t = this.peek();
    if (t.type === 'op' && t.text === text) return this.next();
    if (opened) throw this.error(t.start, `expected ${quote(text)} to close the ${quote(opened.text)} at character ${opened.start + 1}, found ${describe(t)}`);
    throw this.error(t.start, `expected ${quote(text)}, found ${describe(t)}`);
  }

  parse(): ParsedExpression {
    if (typeof this.text !== 'string') throw new DiscernError('INVALID_ARGUMENT', `${this.what} must be text, got ${typeof this.text}`, { expression: String(this.text) });
    if (this.text.length > MAX_EXPRESSION_LENGTH)
      throw new DiscernError('INVALID_ARGUMENT', `${this.what} is ${this.text.length} characters long; an expression may have at most ${MAX_EXPRESSION_LENGTH}`, { expression: this.text.slice(0, 200) });
    this.tokenize();
    if (this.peek().type === 'end') throw this.error(0, 'the expression is empty');
    const root = this.expression(0);
    const t = this.peek();
    if (t.type !== 'end') {
      const why = t.type === 'op' && (t.text === ')' || t.text === ']') ? `${quote(t.text)} closes nothing` : `${describe(t)} follows a complete expression (an operator is missing?)`;
      throw this.error(t.start, why);
    }
    return { text: this.text, root, columns: this.columns };
  }

  /** Binding power of a binary operator (left side); 0 when the token ends the expression here. */
  private static infix(t: Token): number {
    if (t.type !== 'op') return 0;
    switch (t.text) {
      case '?':
        return 1;
      case '||':
        return 2;
      case '&&':
        return 3;
      case '==':
      case '!=':
        return 4;
      case '<':
      case '<=':
      case '>':
      case '>=':
        return 5;
      case '+':
      case '-':
        return 6;
      case '*':
      case '/':
      case '%':
        return 7;
      default:
        return 0;
    }
  }

  private expression(minPower: number): ExprNode {
    if (++this.depth > MAX_DEPTH) throw this.error(this.peek().start, `the expression nests deeper than ${MAX_DEPTH} levels`);
    let left = this.unaryOperand();
    for (;;) {
      const t = this.peek();
      const power = ExpressionParser.infix(t);
      if (power <= minPower) break;
      this.next();
      if (t.text === '?') {
        const then = this.expression(0);
        this.expect(':');
        // right-associative: a ? b : c ? d : e is a ? b : (c ? d : e)
        const otherwise = this.expression(0);
        left = { type: 'conditional', test: left, then, otherwise, start: left.start, end: otherwise.end };
        continue;
      }
      const right = this.expression(power);
      left = { type: 'binary', op: t.text as BinaryOp, left, right, start: left.start, end: right.end };
    }
    this.depth--;
    return left;
  }

  /** A unary expression: `-x`, `!x`, or a power `a ^ b` (right-associative, its exponent a unary expression: 2^-1). */
  private unaryOperand(): ExprNode {
    if (++this.depth > MAX_DEPTH) throw this.error(this.peek().start, `the expression nests deeper than ${MAX_DEPTH} levels`);
    const t = this.peek();
    let node: ExprNode;
    if (t.type === 'op' && (t.text === '-' || t.text === '+' || t.text === '!')) {
      this.next();
      const arg = this.unaryOperand();
      node = { type: 'unary', op: t.text, arg, start: t.start, end: arg.end };
    } else {
      node = this.primary();
      if (this.isOp('^')) {
        this.next();
        const right = this.unaryOperand();
        node = { type: 'binary', op: '^', left: node, right, start: node.start, end: right.end };
      }
    }
    this.depth--;
    return node;
  }

  private primary(): ExprNode {
    const t = this.next();
    if (t.type === 'number') return { type: 'number', value: t.value!, start: t.start, end: t.end };
    if (t.type === 'op' && t.text === '(') {
      const inner = this.expression(0);
      const close = this.expect(')', t);
      return { ...inner, start: t.start, end: close.end };
    }
    if (t.type === 'name') {
      if (this.isOp('(')) return this.call(t);
      let node: ExprNode = { type: 'column', name: t.text, start: t.start, end: t.end };
      if (this.isOp('[')) {
        const open = this.next();
        const idx = this.next();
        if (idx.type !== 'number' || !/^[0-9]+$/.test(idx.text))
          throw this.error(idx.start, `an array element is chosen by a whole number (${t.text}[0], ${t.text}[1], ...), found ${describe(idx)}`);
        const index = Number(idx.text);
        if (!Number.isSafeInteger(index)) throw this.error(idx.start, `the index ${idx.text} is too large`);
        const close = this.expect(']', open);
        node = { type: 'column', name: t.text, index, start: t.start, end: close.end };
      }
      if (!this.columns.includes(t.text)) this.columns.push(t.text);
      return node;
    }
    if (t.type === 'end') throw this.error(t.start, 'the expression ends where a number, a column name, a function call or "(" is expected');
    throw this.error(t.start, `expected a number, a column name, a function call or "(", found ${describe(t)}`);
  }

  private call(name: Token): ExprNode {
    const fn = name.text;
    if (!Object.hasOwn(FUNCTIONS, fn)) {
      const near = closestName(fn, FUNCTION_NAMES);
      throw this.error(
        name.start,
        `${quote(fn)} is not a function of the expression language${near ? ` (did you mean ${quote(near)}?)` : ''}; the functions are ${FUNCTION_NAMES.join(', ')}`,
      );
    }
    const open = this.next();
    const args: ExprNode[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.expression(0));
        if (this.isOp(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    const close = this.expect(')', open);
    const [least, most] = FUNCTIONS[fn as FunctionName];
    if (args.length < least || args.length > most) {
      const wanted = least === most ? `${least} argument${least === 1 ? '' : 's'}` : most === Infinity ? `at least ${least} argument${least === 1 ? '' : 's'}` : `${least} to ${most} arguments`;
      throw this.error(name.start, `${fn}() takes ${wanted}, got ${args.length}`);
    }
    return { type: 'call', fn: fn as FunctionName, args, start: name.start, end: close.end };
  }
}

/**
 * An error about character offset `at` of an expression: the problem, the 1-based character position, and the text
 * up to there (`pt1 > 20 &&▸`), so that the place is plain without counting.
 */
export function expressionError(what: string, text: string, at: number, problem: string): DiscernError {
  const before = text.slice(Math.max(0, at - 40), at);
  const after = text.slice(at, at + 20);
  const shown = `${at > 40 ? '…' : ''}${before}▸${after}${at + 20 < text.length ? '…' : ''}`;
  return new DiscernError('INVALID_ARGUMENT', `${what} ${quote(text, 120)}: ${problem}, at character ${at + 1} (${shown})`, {
    expression: text.length > 200 ? `${text.slice(0, 200)}…` : text,
    position: at + 1,
    problem,
  });
}

/**
 * Parses an expression of the language (see the module comment). Throws INVALID_ARGUMENT naming the character
 * position and what was expected there; `what` names the expression in messages (default 'expression').
 */
export function parseExpression(text: string, what = 'expression'): ParsedExpression {
  return new ExpressionParser(text, what).parse();
}
