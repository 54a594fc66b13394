/**
 * Test-only helpers for the Bayes classifiers: reading the shared CSVs (with the same encodings as
 * tools/fixtures/make_bayes_fixtures.py), loading fixtures, AUC, and comparing matrices.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DenseMatrix, denseMatrix, takeRows } from '@discern/linalg';
import { isDiscernError } from '@discern/core';
import { expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

function repoRoot(): string {
  let d = here;
  while (!existsSync(join(d, 'nx.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('repository root (nx.json) not found above ' + here);
    d = up;
  }
  return d;
}

export const DATA_DIR = join(repoRoot(), '..', 'shared', 'data');

export function readCsv(name: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(join(DATA_DIR, name), 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

export interface Labelled {
  X: DenseMatrix;
  y: Int32Array;
}

function numeric(rows: string[][], p: number, cell: (v: string) => number): DenseMatrix {
  const data = new Float64Array(rows.length * p);
  rows.forEach((r, i) => {
    for (let j = 0; j < p; j++) data[i * p + j] = cell(r[j]!);
  });
  return denseMatrix(rows.length, p, data);
}

export function loadIris(): Labelled {
  const names = ['setosa', 'versicolor', 'virginica'];
  const { rows } = readCsv('iris.csv');
  return { X: numeric(rows, 4, Number), y: Int32Array.from(rows, (r) => names.indexOf(r[4]!)) };
}

/** Votes: y 1, n 0, ? NaN; democrat 0, republican 1. */
export function loadVotes(): Labelled {
  const { rows } = readCsv('house-votes-84.csv');
  const code = (v: string): number => (v === 'y' ? 1 : v === 'n' ? 0 : Number.NaN);
  return { X: numeric(rows.map((r) => r.slice(1)), 16, code), y: Int32Array.from(rows, (r) => (r[0] === 'democrat' ? 0 : 1)) };
}

export function loadDigits(): Labelled {
  const { rows } = readCsv('digits.csv');
  return { X: numeric(rows, 64, Number), y: Int32Array.from(rows, (r) => Number(r[64])) };
}

export interface MagicSplit {
  train: Labelled;
  test: Labelled;
  /** Indices into the test set of the rows whose probabilities the fixtures store. */
  sub: number[];
}

/** MAGIC (h 0, g 1) split as in magic_split.json, standardised with the training rows' mean and std (ddof 0). */
export function loadMagicSplit(): MagicSplit {
  const { rows } = readCsv('magic04.csv');
  const X = numeric(rows, 10, Number);
  const y = Int32Array.from(rows, (r) => (r[10] === 'g' ? 1 : 0));
  const split = fixture('magic_split.json') as { train: number[]; test: number[]; subsample: number };
  const p = X.cols;
  const mean = new Float64Array(p), sd = new Float64Array(p);
  for (const i of split.train) for (let j = 0; j < p; j++) mean[j]! += X.data[i * p + j]!;
  for (let j = 0; j < p; j++) mean[j]! /= split.train.length;
  for (const i of split.train) for (let j = 0; j < p; j++) sd[j]! += (X.data[i * p + j]! - mean[j]!) ** 2;
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j]! / split.train.length);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < p; j++) X.data[i * p + j] = (X.data[i * p + j]! - mean[j]!) / sd[j]!;
  const part = (idx: number[]): Labelled => ({ X: takeRows(X, idx), y: Int32Array.from(idx, (i) => y[i]!) });
  const sub: number[] = [];
  for (let i = 0; i < split.test.length; i += split.subsample) sub.push(i);
  return { train: part(split.train), test: part(split.test), sub };
}

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(here, '__fixtures__', name), 'utf8')) as Record<string, unknown>;
}

/** AUC as the Mann–Whitney statistic: P(score of a positive > score of a negative), ties counting one half. */
export function auc(score: ArrayLike<number>, y: ArrayLike<number>, positive = 1): number {
  const idx = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSumPos = 0, nPos = 0;
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && score[idx[e + 1]!] === score[idx[s]!]) e++;
    const midRank = (s + e) / 2 + 1;
    for (let t = s; t <= e; t++) if (y[idx[t]!] === positive) {
      rankSumPos += midRank;
      nPos++;
    }
    s = e + 1;
  }
  const nNeg = idx.length - nPos;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Largest |a − b| over a matrix and nested expected rows, optionally only at `rows` of a. */
export function maxAbsDiff(a: DenseMatrix, expected: number[][], rows?: readonly number[]): number {
  const pick = rows ?? expected.map((_, i) => i);
  expect(pick.length).toBe(expected.length);
  let m = 0;
  pick.forEach((i, r) => {
    const e = expected[r]!;
    expect(e.length).toBe(a.cols);
    for (let j = 0; j < a.cols; j++) {
      const d = Math.abs(a.data[i * a.cols + j]! - e[j]!);
      if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
    }
  });
  return m;
}

export function maxAbsDiffFlat(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Asserts fn throws a DiscernError with this code and a message matching re. */
export function expectDiscernError(fn: () => unknown, code: string, re?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isDiscernError(caught), `expected a DiscernError ${code}, got ${String(caught)}`).toBe(true);
  const e = caught as { code: string; message: string };
  expect(e.code).toBe(code);
  if (re) expect(e.message).toMatch(re);
}

/** Deep-copies a model JSON through a string, as a saved file would. */
export function viaString<T>(json: T): unknown {
  return JSON.parse(JSON.stringify(json));
}
