/**
 * ROOT TTrees in, through jsroot (the ROOT team's JavaScript I/O: its `io` and `tree` modules read TTrees in Node with
 * no canvas; zlib, LZ4, LZMA and ZSTD baskets alike). A tree becomes a Table: a branch of one number per entry (bool,
 * 8- to 64-bit signed and unsigned integers, float, double) a numeric column, a string branch a text column (typed
 * like CSV cells, so `Type` with values GT, TT is categorical), and a branch of several values per entry — a fixed
 * array `x[3]`, a variable array `Muon_Px[NMuon]`, a `std::vector` of numbers — an array column, read by element or
 * reduced in expressions. Entries are counted from 0 in messages, as ROOT counts them.
 *
 * jsroot reports a damaged basket by printing to the console and reading on; here its messages are caught and every
 * branch must give every entry, so a damaged or truncated file is a DATA_INVALID naming the file (and the branch),
 * never a table with rows missing.
 */
import { statSync } from 'node:fs';
import { DiscernError, ioError, quote } from '@discern/core';
import { closestName, columnLabel, listNames, missingSet } from '../csv/cells.js';
import { type ArrayColumn } from '../expr/evaluate.js';
import { type Column, type Table, numericColumn, textColumn } from '../table.js';

/** What discern uses of jsroot's objects (jsroot ships no types for them). */
interface RootKey {
  readonly fName: string;
  readonly fClassName: string;
  readonly fCycle: number;
}
export interface RootLeaf {
  readonly _typename: string;
  readonly fName: string;
  readonly fTitle: string;
  readonly fLen: number;
  readonly fIsUnsigned?: boolean;
  readonly fLeafCount?: RootLeaf | null;
}
export interface RootBranch {
  readonly _typename: string;
  readonly fName: string;
  readonly fTitle: string;
  readonly fClassName?: string;
  readonly fLeaves: { readonly arr: readonly RootLeaf[] };
  readonly fBranches: { readonly arr: readonly RootBranch[] };
  readonly fStreamerType?: number;
}
interface RootTree {
  readonly fEntries: number;
  readonly fBranches: { readonly arr: readonly RootBranch[] };
}
interface RootFile {
  readonly fKeys: readonly RootKey[];
  readonly fEND: number;
  readObject(name: string): Promise<RootTree | null>;
}
interface Selector {
  tgtobj: Record<string, unknown>;
  addBranch(name: string): number;
  Process: (entry: number) => void;
}
interface JsrootIo {
  openFile(path: string): Promise<RootFile>;
}
interface JsrootTree {
  TSelector: new () => Selector;
  treeProcess(tree: RootTree, selector: Selector, args?: Record<string, unknown>): Promise<unknown>;
}

let modules: Promise<{ io: JsrootIo; tree: JsrootTree }> | undefined;

/** jsroot's modules, loaded once, on first use (a CSV-only run never loads them). */
function jsroot(): Promise<{ io: JsrootIo; tree: JsrootTree }> {
  // module names in variables: jsroot ships no types for these modules, and the few members used are described above
  const ioModule = 'jsroot/io', treeModule = 'jsroot/tree';
  modules ??= Promise.all([import(ioModule) as Promise<unknown>, import(treeModule) as Promise<unknown>]).then(([io, tree]) => ({
    io: io as JsrootIo,
    tree: tree as JsrootTree,
  }));
  return modules;
}

/** Runs `f` with jsroot's console messages caught (it reports damaged data there); returns them with the result. */
async function quietly<T>(f: () => Promise<T>): Promise<{ value: T; messages: string[] }> {
  const messages: string[] = [];
  const saved = { error: console.error, log: console.log, warn: console.warn };
  const keep = (...args: unknown[]) => {
    const first = args[0];
    messages.push((first instanceof Error ? first.message : String(first)).split('\n')[0]!);
  };
  console.error = keep;
  console.warn = keep;
  console.log = keep;
  try {
    return { value: await f(), messages };
  } finally {
    console.error = saved.error;
    console.warn = saved.warn;
    console.log = saved.log;
  }
}

/** How a branch is read: one number per entry, text, several numbers per entry, or not at all (why). */
export type BranchKind = 'numeric' | 'text' | 'array' | 'unsupported';

export interface BranchInfo {
  readonly name: string;
  /** The leaf type as ROOT names it (`Float_t`, `Int_t[NMuon]`, `vector<float>`, a class name). */
  readonly type: string;
  readonly kind: BranchKind;
  /** Why an unsupported branch cannot be read. */
  readonly why?: string;
}

export interface TreeInfo {
  readonly file: string;
  readonly tree: string;
  readonly entries: number;
  readonly branches: readonly BranchInfo[];
}

const LEAF_TYPES: Readonly<Record<string, string>> = {
  TLeafO: 'Bool_t',
  TLeafB: 'Char_t',
  TLeafS: 'Short_t',
  TLeafI: 'Int_t',
  TLeafL: 'Long64_t',
  TLeafF: 'Float_t',
  TLeafD: 'Double_t',
  TLeafF16: 'Float16_t',
  TLeafD32: 'Double32_t',
  TLeafG: 'Long_t',
};

const NUMERIC_VECTOR = /^(?:std::)?vector<\s*(?:bool|char|unsigned char|short|unsigned short|int|unsigned int|long|unsigned long|long long|unsigned long long|float|double|Bool_t|Char_t|UChar_t|Short_t|UShort_t|Int_t|UInt_t|Long_t|ULong_t|Long64_t|ULong64_t|Float_t|Double_t|Float16_t|Double32_t|u?int(?:8|16|32|64)_t)\s*>$/;

/** What a branch holds, from its leaves alone (no data read). */
export function branchInfo(b: RootBranch): BranchInfo {
  const leaves = b.fLeaves?.arr ?? [];
  if (b._typename === 'TBranchElement' || b._typename === 'TBranchObject') {
    const cls = (b.fClassName ?? '').trim();
    if (NUMERIC_VECTOR.test(cls)) return { name: b.fName, type: cls, kind: 'array' };
    if ((b.fBranches?.arr.length ?? 0) > 0)
      return { name: b.fName, type: cls || b._typename, kind: 'unsupported', why: `it is an object of class ${cls || 'unknown'} split into sub-branches; name a sub-branch of one number per entry instead` };
    return {
      name: b.fName,
      type: cls || b._typename,
      kind: 'unsupported',
      why: `it holds objects of class ${cls || 'unknown'}, not numbers; discern reads branches of numbers, of arrays or std::vectors of numbers, and of strings`,
    };
  }
  if (leaves.length !== 1)
    return {
      name: b.fName,
      type: leaves.map((l) => LEAF_TYPES[l._typename] ?? l._typename).join(':'),
      kind: 'unsupported',
      why: `it holds ${leaves.length} leaves (${leaves.map((l) => l.fName).join(', ')}) per entry; discern reads branches of one leaf`,
    };
  const leaf = leaves[0]!;
  if (leaf._typename === 'TLeafC') return { name: b.fName, type: 'string', kind: 'text' };
  const base = LEAF_TYPES[leaf._typename];
  if (base === undefined)
    return { name: b.fName, type: leaf._typename, kind: 'unsupported', why: `its leaf type ${leaf._typename} is not a number; discern reads branches of numbers, arrays of numbers and strings` };
  const type = `${leaf.fIsUnsigned ? `U${base}` : base}`;
  if (leaf.fLeafCount) return { name: b.fName, type: `${type}[${leaf.fLeafCount.fName}]`, kind: 'array' };
  if (leaf.fLen > 1) return { name: b.fName, type: `${type}[${leaf.fLen}]`, kind: 'array' };
  return { name: b.fName, type, kind: 'numeric' };
}

function damaged(path: string, detail: string, extra: Record<string, unknown> = {}): DiscernError {
  return new DiscernError('DATA_INVALID', `${path} is not a readable ROOT file: ${detail}; is it complete (not truncated by a copy) and written by ROOT?`, { file: path, ...extra });
}

async function openRoot(path: string): Promise<RootFile> {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    throw ioError(e, path, 'read');
  }
  const { io } = await jsroot();
  const { value: file, messages } = await quietly(async () => {
    try {
      return await io.openFile(path);
    } catch (e) {
      throw damaged(path, (e instanceof Error ? e.message : String(e)).replace(` ${path}`, '').replace(/\.$/, ''));
    }
  });
  if (!file || !Array.isArray(file.fKeys)) throw damaged(path, messages[0] ?? 'no list of keys');
  // ROOT's header says where the file ends: a shorter file was cut off
  if (typeof file.fEND === 'number' && file.fEND > size)
    throw damaged(path, `it is ${size.toLocaleString('en-US')} bytes long, but its header says ${file.fEND.toLocaleString('en-US')}`, { size, expected: file.fEND });
  if (messages.length > 0) throw damaged(path, messages[0]!);
  return file;
}

/** The trees of a file (each name once, the highest cycle). */
function treeNames(file: RootFile): string[] {
  const names: string[] = [];
  for (const k of file.fKeys) if ((k.fClassName === 'TTree' || k.fClassName === 'TNtuple' || k.fClassName === 'TNtupleD') && !names.includes(k.fName)) names.push(k.fName);
  return names;
}

async function openTree(path: string, treeName: string | undefined): Promise<{ file: RootFile; tree: RootTree; name: string }> {
  const file = await openRoot(path);
  const trees = treeNames(file);
  let name = treeName;
  if (name === undefined) {
    if (trees.length === 1) name = trees[0]!;
    else if (trees.length === 0) {
      const held = file.fKeys.map((k) => `${k.fName} (${k.fClassName})`);
      throw new DiscernError('DATA_INVALID', `${path} holds no TTree${held.length ? `; it holds ${held.slice(0, 20).join(', ')}` : ''}`, { file: path });
    } else
      throw new DiscernError('DATA_INVALID', (n) => `${path} holds ${trees.length} trees (${listNames(trees)}); name the one to read with ${n.option('tree')}`, {
        file: path,
        trees: trees.slice(0, 64),
        option: 'tree',
      });
  } else if (!trees.includes(name)) {
    const near = closestName(name, trees);
    const wanted = name;
    throw new DiscernError(
      'DATA_INVALID',
      (n) =>
        `${path} has no tree ${columnLabel(wanted)} (${n.option('tree')})${near ? ` (did you mean ${columnLabel(near)}?)` : ''}; ${trees.length ? `its trees are ${listNames(trees)}` : 'it holds no TTree'}`,
      { file: path, tree: wanted, trees: trees.slice(0, 64), option: 'tree', ...(near ? { suggestion: near } : {}) },
    );
  }
  const { value: tree, messages } = await quietly(() => file.readObject(name));
  if (!tree || !tree.fBranches) throw damaged(path, `tree ${columnLabel(name)} cannot be read${messages[0] ? ` (${messages[0]})` : ''}`, { tree: name });
  return { file, tree, name };
}

/** The tree's name, entries and branches with what each holds (no entries are read). */
export async function rootTreeInfo(path: string, tree?: string): Promise<TreeInfo> {
  const t = await openTree(path, tree);
  return { file: path, tree: t.name, entries: t.tree.fEntries, branches: t.tree.fBranches.arr.map(branchInfo) };
}

export interface RootReadOptions {
  /** The tree to read; default: the only tree in the file (several: an error listing them). */
  readonly tree?: string;
  /**
   * The branches to read (default: every branch discern can read). A name that is not a branch is DATA_INVALID with
   * a "did you mean"; a branch that cannot be read is DATA_INVALID saying why.
   */
  readonly branches?: readonly string[];
  /** With `branches`: read those the tree has and leave out the others (the caller reports them in its own terms). */
  readonly lenient?: boolean;
  /** The file name messages name (default: the path). */
  readonly source?: string;
  /** Text that means "missing" in string branches (default: empty, NA, ?). */
  readonly missingValues?: readonly string[];
}

/** Growable typed storage of one branch while entries are read. */
class Collector {
  private n = 0;
  private values = new Float64Array(1024);
  private offsets: Int32Array | undefined;
  private count = 0;
  private texts: (string | null)[] | undefined;

  constructor(readonly info: BranchInfo) {
    if (info.kind === 'array') {
      this.offsets = new Int32Array(1025);
    } else if (info.kind === 'text') this.texts = [];
  }

  private ensure(extra: number): void {
    if (this.count + extra <= this.values.length) return;
    const grown = new Float64Array(Math.max(this.values.length * 2, this.count + extra));
    grown.set(this.values.subarray(0, this.count));
    this.values = grown;
  }

  push(v: unknown): boolean {
    if (this.texts) {
      this.texts.push(typeof v === 'string' ? v : v === null || v === undefined ? null : String(v));
      this.n++;
      return true;
    }
    if (this.offsets) {
      if (this.n + 1 >= this.offsets.length) {
        const grown = new Int32Array(this.offsets.length * 2);
        grown.set(this.offsets);
        this.offsets = grown;
      }
      const a = v as ArrayLike<number | bigint | boolean> | null;
      const len = a && typeof a === 'object' && typeof a.length === 'number' ? a.length : -1;
      if (len < 0) return false;
      this.ensure(len);
      for (let k = 0; k < len; k++) this.values[this.count + k] = Number(a![k]);
      this.count += len;
      this.offsets[++this.n] = this.count;
      return true;
    }
    const x = typeof v === 'number' ? v : typeof v === 'boolean' || typeof v === 'bigint' ? Number(v) : NaN;
    if (typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'bigint') return false;
    this.ensure(1);
    this.values[this.count++] = x;
    this.n++;
    return true;
  }

  get entries(): number {
    return this.n;
  }

  column(index: number, missing: { has(s: string): boolean }): Column | ArrayColumn {
    const name = this.info.name;
    if (this.texts) return textColumn(name, index, this.texts, missing);
    const values = this.values.slice(0, this.count);
    if (this.offsets) {
      const fixed = /\[(\d+)\]$/.exec(this.info.type);
      return { name, offsets: this.offsets.slice(0, this.n + 1), values, ...(fixed ? { fixed: Number(fixed[1]) } : {}), description: `${name} (${this.info.type})` };
    }
    return numericColumn(name, index, values);
  }
}

/**
 * Reads a TTree whole into a Table (see the module comment): the branches asked for, or every branch discern can
 * read. The file is named `path` in messages (or `source`), rows as entries.
 */
export async function readRootTable(path: string, options: RootReadOptions = {}): Promise<Table> {
  const source = options.source ?? path;
  const { tree, name: treeName } = await openTree(path, options.tree);
  const infos = tree.fBranches.arr.map(branchInfo);
  const byName = new Map(infos.map((b) => [b.name, b]));
  let wanted: BranchInfo[];
  if (options.branches) {
    wanted = (options.lenient ? options.branches.filter((n) => byName.has(n)) : options.branches).map((name) => {
      const info = byName.get(name);
      if (!info) {
        const names = infos.map((b) => b.name);
        const near = closestName(name, names);
        throw new DiscernError(
          'DATA_INVALID',
          `tree ${columnLabel(treeName)} of ${source} has no branch ${columnLabel(name)}${near ? ` (did you mean ${columnLabel(near)}?)` : ''}; its branches are ${listNames(names, 40)}`,
          { file: source, tree: treeName, column: name, available: names.slice(0, 64), ...(near ? { suggestion: near } : {}) },
        );
      }
      if (info.kind === 'unsupported') throw unsupported(source, treeName, info);
      return info;
    });
  } else wanted = infos.filter((b) => b.kind !== 'unsupported');
  if (wanted.length === 0) {
    const why = infos.map((b) => `${b.name} (${b.type})`);
    throw new DiscernError('DATA_INVALID', `tree ${columnLabel(treeName)} of ${source} has no branch discern can read${why.length ? `: ${why.slice(0, 20).join(', ')}` : ''}`, { file: source, tree: treeName });
  }
  const collectors = wanted.map((w) => new Collector(w));
  const { tree: treeMod } = await jsroot();
  const entries = tree.fEntries;
  const { messages } = await quietly(async () => {
    const sel = new treeMod.TSelector();
    // counter branches first (NMuon before Muon_Px[NMuon]): jsroot adds a counter itself with its array, and then
    // refuses to add it again
    const counters = new Set(tree.fBranches.arr.flatMap((b) => (b.fLeaves?.arr ?? []).map((l) => l.fLeafCount?.fName).filter((x): x is string => x !== undefined)));
    for (const w of [...wanted].sort((a, b) => Number(counters.has(b.name)) - Number(counters.has(a.name)))) sel.addBranch(w.name);
    let bad: { branch: BranchInfo; value: unknown } | undefined;
    sel.Process = function (this: Selector) {
      const obj = this.tgtobj;
      for (let k = 0; k < collectors.length; k++) {
        const c = collectors[k]!;
        if (!c.push(obj[c.info.name]) && bad === undefined) bad = { branch: c.info, value: obj[c.info.name] };
      }
    };
    try {
      await treeMod.treeProcess(tree, sel);
    } catch (e) {
      throw damaged(source, `reading tree ${columnLabel(treeName)} failed (${e instanceof Error ? e.message : String(e)})`, { tree: treeName });
    }
    if (bad)
      throw unsupported(source, treeName, {
        ...bad.branch,
        kind: 'unsupported',
        why: `its entries read as ${bad.value === null || bad.value === undefined ? 'nothing' : typeof bad.value === 'object' ? `objects (${(bad.value as object).constructor?.name ?? 'object'})` : typeof bad.value}, not numbers`,
      });
  });
  const short = collectors.find((c) => c.entries !== entries);
  if (short)
    throw damaged(
      source,
      `branch ${columnLabel(short.info.name)} of tree ${columnLabel(treeName)} gave ${short.entries.toLocaleString('en-US')} of its ${entries.toLocaleString('en-US')} entries${messages[0] ? ` (${messages[0]})` : ''}`,
      { tree: treeName, column: short.info.name },
    );
  const missing = missingSet(options.missingValues);
  const columns: Column[] = [];
  const arrays: ArrayColumn[] = [];
  for (const c of collectors) {
    const col = c.column(columns.length, missing);
    if ('offsets' in col) arrays.push(col);
    else columns.push(col);
  }
  const available = options.branches ? infos.filter((b) => b.kind !== 'unsupported').map((b) => b.name) : undefined;
  return { source, columns, nRows: entries, lines: null, ...(arrays.length ? { arrays } : {}), rowNoun: 'entry', ...(available ? { available } : {}) };
}

export function unsupported(source: string, tree: string, info: BranchInfo): DiscernError {
  return new DiscernError('DATA_INVALID', `branch ${columnLabel(info.name)} of tree ${columnLabel(tree)} in ${source} cannot be read: ${info.why ?? 'its type is not supported'} (type ${quote(info.type)})`, {
    file: source,
    tree,
    column: info.name,
    type: info.type,
  });
}
