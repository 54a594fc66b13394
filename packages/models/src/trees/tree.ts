import { type ModelReader } from '../model-json.js';

/**
 * One fitted decision tree, as flat arrays indexed by node (struct of arrays; node 0 is the root and every child
 * comes after its parent, which is what makes the arrays a tree — checked when one is read from a file).
 *
 * An internal node sends a row left when its value of `feature` is ≤ `threshold`, right when it is greater, and
 * by `missingLeft` when the value is missing (NaN). A leaf (feature −1) holds `width` values: one for a tree that
 * adds to one output of the ensemble, K for a tree whose leaves vote for every class.
 */
export interface Tree {
  /** Feature index per node; −1 at a leaf. */
  readonly feature: Int32Array;
  /** Split threshold per node (0 at a leaf). */
  readonly threshold: Float64Array;
  /** 1 when missing values go left. */
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Leaf values, `width` per node (0 at internal nodes). */
  readonly value: Float64Array;
  /** The improvement of the training objective the split made (0 at a leaf): feature importance by gain. */
  readonly gain: Float64Array;
}

/** The leaf a row reaches (its node index). */
export function leafOf(t: Tree, X: Float64Array, offset: number): number {
  const { feature, threshold, missingLeft, left, right } = t;
  let node = 0;
  for (;;) {
    const f = feature[node]!;
    if (f < 0) return node;
    const v = X[offset + f]!;
    node = v <= threshold[node]! ? left[node]! : v !== v && missingLeft[node] === 1 ? left[node]! : right[node]!;
  }
}

/** A growable tree under construction (node arrays doubled as needed). */
export class TreeBuilder {
  private cap: number;
  size = 0;
  feature: Int32Array;
  threshold: Float64Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  gain: Float64Array;

  constructor(
    readonly width: number,
    capacity = 64,
  ) {
    this.cap = capacity;
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.missingLeft = new Uint8Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity * width);
    this.gain = new Float64Array(capacity);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const f = new Int32Array(cap), t = new Float64Array(cap), m = new Uint8Array(cap), l = new Int32Array(cap), r = new Int32Array(cap), v = new Float64Array(cap * this.width), g = new Float64Array(cap);
    f.set(this.feature);
    t.set(this.threshold);
    m.set(this.missingLeft);
    l.set(this.left);
    r.set(this.right);
    v.set(this.value);
    g.set(this.gain);
    this.feature = f;
    this.threshold = t;
    this.missingLeft = m;
    this.left = l;
    this.right = r;
    this.value = v;
    this.gain = g;
    this.cap = cap;
  }

  /** Adds a leaf node (values set later with setLeaf); returns its index. */
  add(): number {
    if (this.size === this.cap) this.grow();
    const i = this.size++;
    this.feature[i] = -1;
    this.left[i] = -1;
    this.right[i] = -1;
    return i;
  }

  /** Makes node i an internal node splitting on `feature` ≤ `threshold`; returns [left, right] (new leaves). */
  split(i: number, feature: number, threshold: number, missingLeft: boolean, gain: number): [number, number] {
    const l = this.add();
    const r = this.add();
    this.feature[i] = feature;
    this.threshold[i] = threshold;
    this.missingLeft[i] = missingLeft ? 1 : 0;
    this.left[i] = l;
    this.right[i] = r;
    this.gain[i] = gain;
    return [l, r];
  }

  finish(): Tree {
    const n = this.size;
    return {
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      missingLeft: this.missingLeft.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      value: this.value.slice(0, n * this.width),
      gain: this.gain.slice(0, n),
    };
  }
}

/** The JSON form of a tree: one array per field (leaves have feature −1, left and right −1). */
export interface TreeJSON {
  readonly feature: number[];
  readonly threshold: number[];
  readonly missing_left: number[];
  readonly left: number[];
  readonly right: number[];
  /** `width` values per node, flat. */
  readonly value: number[];
  readonly gain: number[];
}

export function treeToJSON(t: Tree): TreeJSON {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    missing_left: Array.from(t.missingLeft),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
    gain: Array.from(t.gain),
  };
}

/** Integers of an array field, each in [min, max], naming the element that is not. */
function intArray(r: ModelReader, length: number, min: number, max: number): Int32Array {
  const items = r.items(length);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) out[i] = items[i]!.int(min, max);
  return out;
}

/**
 * Reads and checks one tree of a saved model: equal lengths, features in 0..p−1 (−1 at leaves), children after their
 * parent and each node but the root the child of exactly one node (so the arrays form one tree), finite thresholds
 * and values, non-negative gains. `width` leaf values per node.
 */
export function treeFromJSON(r: ModelReader, p: number, width: number, maxNodes: number): Tree {
  r.object();
  const m = r.get('feature').items().length;
  if (m < 1 || m > maxNodes) r.get('feature').fail(`an array of 1 to ${maxNodes} node features`);
  const feature = intArray(r.get('feature'), m, -1, p - 1);
  const threshold = r.get('threshold').numbers([m]);
  const missingLeft = Uint8Array.from(intArray(r.get('missing_left'), m, 0, 1));
  const left = intArray(r.get('left'), m, -1, m - 1);
  const right = intArray(r.get('right'), m, -1, m - 1);
  const value = r.get('value').numbers([m * width]);
  const gain = r.get('gain').numbers([m], (v) => (v >= 0 ? undefined : 'a gain ≥ 0'));
  const parents = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const leaf = feature[i]! < 0;
    const l = left[i]!, rt = right[i]!;
    if (leaf) {
      if (l !== -1) r.get('left').at(i).fail('-1 (node ' + i + ' is a leaf: its feature is -1)', l);
      if (rt !== -1) r.get('right').at(i).fail('-1 (node ' + i + ' is a leaf: its feature is -1)', rt);
      continue;
    }
    if (!(l > i)) r.get('left').at(i).fail(`a node after node ${i} (children come after their parent)`, l);
    if (!(rt > i) || rt === l) r.get('right').at(i).fail(`a node after node ${i}, other than its left child`, rt);
    parents[l]!++;
    parents[rt]!++;
  }
  for (let i = 1; i < m; i++) if (parents[i] !== 1) r.get('left').invalid(`does not form one tree with right: node ${i} is the child of ${parents[i]} nodes (each node but the root must be the child of exactly one)`);
  return { feature, threshold, missingLeft, left, right, value, gain };
}
