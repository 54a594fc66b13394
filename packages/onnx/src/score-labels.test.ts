import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type DiscernError } from '@discern/core';
import { LogisticRegression } from '@discern/models';
import { exportModel } from './export.js';
import { GraphBuilder } from './graph.js';
import { type ScoreOptions } from './score-options.js';
import { scoreFile } from './score.js';
import { tempDir } from './testing.test-helpers.js';

// Models as another tool makes them: no metadata at all, so nothing says which label value is which output column.

/** Binary: P(class 1) = σ(x); `probabilities` [N,2] = [1 − σ(x), σ(x)], or `score` [N] = σ(x). */
function binaryModel(output: 'probabilities' | 'score'): Uint8Array {
  const b = new GraphBuilder('float32', 'sigmoid');
  const x = b.input('x', ['N', 1]);
  const p1 = b.op('Sigmoid', [x]);
  if (output === 'score') b.output('score', b.op('Squeeze', [p1, b.ints([1])]), 'float', ['N']);
  else b.output('probabilities', b.op('Concat', [b.op('Sub', [b.scalar(1), p1]), p1], { axis: 1 }), 'float', ['N', 2]);
  return b.build({ producerVersion: 'test', metadata: {} });
}

/** Three classes: softmax([x, ½, −x]). */
function threeClassModel(): Uint8Array {
  const b = new GraphBuilder('float32', 'three');
  const x = b.input('x', ['N', 1]);
  const z = b.op('Add', [b.op('MatMul', [x, b.floats([1, 0, -1], [1, 3])]), b.floats([0, 0.5, 0], [3])]);
  b.output('probabilities', b.op('Softmax', [z], { axis: 1 }), 'float', ['N', 3]);
  return b.build({ producerVersion: 'test', metadata: {} });
}

// x rising, classes h g h g: the ordered pairs (g above h) are (−1 > −2), (2 > −2), (2 > 1) but not (−1 < 1), so with
// g as the signal AUC = 3/4, and with h as the signal 1/4. At P ≥ 0.5 (x ≥ 0) the predictions are h h g g: 2 of 4 right.
const CSV = 'x,class\n-2,h\n-1,g\n1,h\n2,g\n';

function setup(model: Uint8Array, csv = CSV): { dir: string; model: string; data: string } {
  const dir = tempDir();
  writeFileSync(join(dir, 'm.onnx'), model);
  writeFileSync(join(dir, 'd.csv'), csv);
  return { dir, model: join(dir, 'm.onnx'), data: join(dir, 'd.csv') };
}

async function failure(o: ScoreOptions): Promise<DiscernError> {
  const e = await scoreFile(o).catch((x: unknown) => x);
  expect(e, 'scoreFile should have failed').toBeInstanceOf(Error);
  return e as DiscernError;
}

const CLI: Record<string, string> = { positive: '--positive', classes: '--classes', label: '--label' };
const asTyped = (e: DiscernError) => e.renamed({ option: (n) => CLI[n] ?? n }).message;

describe('string labels and a model without class names', () => {
  test('without positive or classes: the error says what to give', async () => {
    const { model, data } = setup(binaryModel('probabilities'));
    const e = await failure({ model, data, label: 'class' });
    expect(e.code).toBe('DATA_INVALID');
    expect(e.context).toMatchObject({ line: 2, column: 'class', value: 'h' });
    expect(asTyped(e)).toMatch(/line 2, column 'class': label "h" is not a class index 0\.\.1, and the model names no classes: give --positive \(the signal's label, for two classes\) or --classes/);
  });

  for (const output of ['probabilities', 'score'] as const) {
    test(`positive g: g is class 1 (${output} output), the other value class 0; the metrics as worked by hand`, async () => {
      const { dir, model, data } = setup(binaryModel(output));
      const r = await scoreFile({ model, data, label: 'class', positive: 'g', out: join(dir, 'out.csv') });
      const m = r.metrics!;
      expect(m.positive).toBe('g');
      expect(m.confusion_matrix.labels).toEqual(['h', 'g']);
      expect(m.auc).toBeCloseTo(0.75, 12);
      expect(m.accuracy).toBeCloseTo(0.5, 12);
      // rows are true classes, columns predicted: h → (h, g) = (1, 1); g → (1, 1)
      expect(m.confusion_matrix.counts).toEqual([
        [1, 1],
        [1, 1],
      ]);
    });
  }

  test('positive h: now h is class 1, so the same scores rank the signal below the background (AUC 1/4)', async () => {
    const { model, data } = setup(binaryModel('probabilities'));
    const r = await scoreFile({ model, data, label: 'class', positive: 'h' });
    expect(r.metrics!.confusion_matrix.labels).toEqual(['g', 'h']);
    expect(r.metrics!.auc).toBeCloseTo(0.25, 12);
  });

  test('classes h,g name the output columns (and the score file header); g, the class 1, is the default signal', async () => {
    const { dir, model, data } = setup(binaryModel('probabilities'));
    const out = join(dir, 'out.csv');
    const r = await scoreFile({ model, data, label: 'class', classes: ['h', 'g'], out });
    expect(r.metrics!.positive).toBe('g');
    expect(r.metrics!.auc).toBeCloseTo(0.75, 12);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('probabilities_h,probabilities_g');
    // classes g,h: column 0 is g, and the default signal is class 1 = h
    const swapped = await scoreFile({ model, data, label: 'class', classes: ['g', 'h'] });
    expect(swapped.metrics!.positive).toBe('h');
    expect(swapped.metrics!.auc).toBeCloseTo(0.25, 12);
    // g named the signal: its column is now 1 − σ(x), falling with x, so g ranks below h as well (pairs as above)
    const named = await scoreFile({ model, data, label: 'class', classes: ['g', 'h'], positive: 'g' });
    expect(named.metrics!.positive).toBe('g');
    expect(named.metrics!.auc).toBeCloseTo(0.25, 12);
  });

  test('three classes with classes given; a label value outside them is DATA_INVALID naming the line and --classes', async () => {
    const { model, data } = setup(threeClassModel(), 'x,class\n3,a\n0,b\n-3,c\n2,a\n');
    const r = await scoreFile({ model, data, label: 'class', classes: ['a', 'b', 'c'] });
    expect(r.metrics!.n_classes).toBe(3);
    expect(r.metrics!.accuracy).toBe(1); // softmax([x, ½, −x]) picks a for x > ½, b for |x| < ½, c for x < −½
    const other = setup(threeClassModel(), 'x,class\n3,a\n0,b\n-3,d\n');
    const e = await failure({ model: other.model, data: other.data, label: 'class', classes: ['a', 'b', 'c'] });
    expect(e).toMatchObject({ code: 'DATA_INVALID', context: { line: 4, value: 'd', option: 'classes' } });
    expect(asTyped(e)).toMatch(/line 4, column 'class': label "d" is not one of the model's classes a, b, c \(given as --classes\)$/);
  });

  test('mismatches: a third value beside positive, classes of the wrong count, positive alone for three classes', async () => {
    const third = setup(binaryModel('probabilities'), 'x,class\n1,g\n2,h\n3,x\n');
    const e1 = await failure({ model: third.model, data: third.data, label: 'class', positive: 'g', out: join(third.dir, 'out.csv') });
    expect(e1).toMatchObject({ code: 'DATA_INVALID', context: { line: 4, option: 'positive' } });
    expect(asTyped(e1)).toMatch(/label "x" is a third class beside "g" \(--positive\) and "h", but the model has two; give --classes/);
    expect(readdirSync(third.dir).sort()).toEqual(['d.csv', 'm.onnx']);
    const { model, data } = setup(binaryModel('probabilities'));
    const e2 = await failure({ model, data, label: 'class', classes: ['h', 'g', 'x'] });
    expect(e2).toMatchObject({ code: 'INVALID_ARGUMENT', context: { option: 'classes' } });
    expect(asTyped(e2)).toMatch(/^--classes names 3 classes \(h, g, x\), but output 'probabilities' of .* has 2$/);
    const three = setup(threeClassModel(), 'x,class\n3,a\n');
    const e3 = await failure({ model: three.model, data: three.data, label: 'class', positive: 'a' });
    expect(asTyped(e3)).toMatch(/--positive alone maps the labels of a two-class model, but .* has 3 classes .*; give --classes/);
  });

  test("a discern model names its classes: classes that differ are refused, positive picks the signal among them", async () => {
    const X = { rows: 4, cols: 1, data: Float64Array.from([-2, -1, 1, 2]) };
    const m = new LogisticRegression({ l2: 1 }).fit(X, Int32Array.from([0, 1, 0, 1]));
    const { model, data } = setup(await exportModel({ estimator: m, featureNames: ['x'], classNames: ['h', 'g'], positive: 'g', sample: X }));
    const e = await failure({ model, data, label: 'class', classes: ['g', 'h'] });
    expect(asTyped(e)).toMatch(/^--classes \(g, h\) differ from the classes .* names itself \(h, g\); leave --classes out$/);
    const r = await scoreFile({ model, data, label: 'class', positive: 'h' });
    expect(r.metrics!.positive).toBe('h');
    const bad = await failure({ model, data, label: 'class', positive: 'q' });
    expect(bad).toMatchObject({ code: 'LABEL_INVALID', context: { option: 'positive' } });
  });
});
