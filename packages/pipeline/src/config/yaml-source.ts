import { DiscernError } from '@discern/core';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';

export type ConfigPath = readonly (string | number)[];

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A parsed YAML config that remembers where each value came from, so errors can name file:line:col. */
export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  /** The text of every number as written (`0.010`, `1e-2`), by formatted path: keys such as `tpr_at_fpr` use it. */
  readonly numberText: ReadonlyMap<string, string>;
  /** Where the value at `path` is written (or its nearest written ancestor); `key` locates the key of a map entry. */
  locate(path: ConfigPath, options?: { key?: string }): SourceLocation | undefined;
}

/** `steps[3].decide.alpha` — the path notation of every config error. */
export function formatPath(path: ConfigPath): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(p)) s += s === '' ? p : `.${p}`;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s === '' ? '(top level)' : s;
}

/** The inverse of formatPath: `steps[3].decide.alpha` → ['steps', 3, 'decide', 'alpha']. */
export function parsePath(text: string): ConfigPath {
  const out: (string | number)[] = [];
  const re = /([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\./gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
    if (re.lastIndex === text.length) break;
  }
  return out;
}

function childNode(node: unknown, key: string | number): { node: unknown; keyNode?: unknown } | undefined {
  if (isMap(node)) {
    for (const item of node.items) {
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(key)) return { node: item.value, keyNode: item.key };
    }
    return undefined;
  }
  if (isSeq(node) && typeof key === 'number') return { node: node.items[key] };
  return undefined;
}

export function parseYamlConfig(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  // logLevel 'error': warnings (an unknown tag) are collected, not printed, and reported below as errors.
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, logLevel: 'error' });
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first?.code === 'MULTIPLE_DOCS') {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    throw new DiscernError(
      'CONFIG_PARSE',
      `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: a config is one YAML document, but a second one starts here (after a "---" or "..." line); keep one config per file`,
      { file, ...(pos ? { line: pos.line, column: pos.col } : {}), yamlCode: first.code },
    );
  }
  if (first) {
    const pos = first.linePos?.[0] ?? lineCounter.linePos(first.pos[0]);
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const msg = first.message.split('\n')[0] ?? first.message;
    throw new DiscernError('CONFIG_PARSE', `malformed YAML in ${where}: ${msg}`, { file, ...(pos ? { line: pos.line, column: pos.col } : {}), yamlCode: first.code });
  }
  const loc = (offset: number | undefined): SourceLocation | undefined => {
    if (offset === undefined) return undefined;
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    // An alias to an anchor not yet defined, or aliases that would expand without bound (a "billion laughs").
    const msg = (e as Error).message.replace(/:?\s*$/, '');
    throw new DiscernError('CONFIG_PARSE', `malformed YAML in ${file}: ${msg}; anchors (&a) must come before their aliases (*a), and aliases may not expand more than 100 times`, { file }, { cause: e });
  }
  const numberText = new Map<string, string>();
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isScalar(node)) {
      if (typeof node.value === 'number' && typeof node.source === 'string') numberText.set(formatPath(path), node.source);
    } else if (isMap(node)) {
      for (const item of node.items) if (isPair(item) && isScalar(item.key)) walk(item.value, [...path, String(item.key.value)]);
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(doc.contents, []);
  return {
    file,
    text,
    value,
    numberText,
    locate(path, options = {}) {
      let node: unknown = doc.contents;
      let best = loc((node as YamlNode | null)?.range?.[0]);
      for (const key of path) {
        const child = childNode(node, key);
        if (!child) return best;
        node = child.node;
        const r = (node as YamlNode | null)?.range?.[0] ?? (child.keyNode as YamlNode | undefined)?.range?.[0];
        best = loc(r) ?? best;
      }
      if (options.key !== undefined) {
        const child = childNode(node, options.key);
        const r = (child?.keyNode as YamlNode | undefined)?.range?.[0];
        return loc(r) ?? best;
      }
      return best;
    },
  };
}
