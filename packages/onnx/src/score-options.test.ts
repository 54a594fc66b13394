import { linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type DiscernError } from '@discern/core';
import { GraphBuilder } from './graph.js';
import { DataType, encodeModel } from './proto.js';
import { type ScoreOptions } from './score-options.js';
import { scoreFile } from './score.js';
import { tempDir } from './testing.test-helpers.js';

/** y = x·[1, 2] + 0.5 as [N] 'score', float32, no metadata: the smallest model a foreign tool could make. */
function sumModel(batch: number | string = 'N'): Uint8Array {
  const b = new GraphBuilder('float32', 'sum');
  const x = b.input('x', [batch, 2]);
  const y = b.op('Add', [b.op('MatMul', [x, b.floats([1, 2], [2, 1])]), b.scalar(0.5)]);
  b.output('y', b.op('Squeeze', [y, b.ints([1])]), 'float', [batch]);
  return b.build({ producerVersion: 'test', metadata: {} });
}

/** A folder with a model file, a CSV (a, b, label) and nothing else. */
function setup(): { dir: string; model: string; data: string; text: string } {
  const dir = tempDir();
  const model = join(dir, 'm.onnx');
  writeFileSync(model, sumModel());
  const data = join(dir, 'd.csv');
  const text = 'a,b,label\n1,2,1\n0,0,0\n-1,3,1\n';
  writeFileSync(data, text);
  return { dir, model, data, text };
}

async function failure(o: ScoreOptions): Promise<DiscernError> {
  const e = await scoreFile(o).catch((x: unknown) => x);
  expect(e, 'scoreFile should have failed').toBeInstanceOf(Error);
  return e as DiscernError;
}

/** The names `discern score` gives the options (what its user types). */
const CLI: Record<string, string> = { fprs: '--fpr', batch: '--batch', device: '--device', label: '--label', features: '--features', inputMap: '--input', out: '--out', data: '--data', model: '--model', positive: '--positive', classes: '--classes' };
const asTyped = (e: DiscernError) => e.renamed({ option: (n) => CLI[n] ?? n }).message;

describe('every option is checked before any work, and named so the caller can rename it', () => {
  test('fprs out of (0, 1) or not a number: refused before the model is even opened, named fprs (→ --fpr)', async () => {
    const { dir, data } = setup();
    const out = join(dir, 'out.csv');
    // the model does not exist: were the model opened or a row scored first, this would be FILE_NOT_FOUND
    for (const bad of ['1.5', '0', '1', 'abc', '', '0.o5', '-0.1']) {
      const e = await failure({ model: join(dir, 'absent.onnx'), data, label: 'label', out, fprs: ['0.01', bad] });
      expect(e.code, bad).toBe('INVALID_ARGUMENT');
      expect(e.context).toMatchObject({ option: 'fprs', index: 1, value: bad });
      expect(e.message).toMatch(/^fprs \(value 2\) is ".*"; expected a false-positive rate strictly between 0 and 1/);
      expect(asTyped(e)).toMatch(/^--fpr \(value 2\) is/);
      expect(asTyped(e)).not.toMatch(/fprs\[/);
    }
    const single = await failure({ model: join(dir, 'absent.onnx'), data, label: 'label', fprs: ['2'] });
    expect(asTyped(single)).toBe('--fpr is "2"; expected a false-positive rate strictly between 0 and 1, such as 0.01');
    const noLabel = await failure({ model: join(dir, 'absent.onnx'), data, fprs: ['0.1'] });
    expect(asTyped(noLabel)).toMatch(/^--fpr asks for the TPR at given FPRs, which needs the true classes: give --label too$/);
    expect(readdirSync(dir).sort()).toEqual(['d.csv', 'm.onnx']);
  });

  test('batch, device, features, classes, positive: bad values refused with the option named', async () => {
    const { dir, model, data } = setup();
    const cases: [Partial<ScoreOptions>, string, RegExp][] = [
      [{ batch: 0 }, 'batch', /^--batch must be a positive integer/],
      [{ batch: 2.5 }, 'batch', /^--batch must be a positive integer/],
      [{ batch: -3 }, 'batch', /^--batch must be/],
      [{ device: 'tpu' as never }, 'device', /^--device must be cpu, gpu or auto, got "tpu"/],
      [{ features: [] }, 'features', /^--features must be one or more non-empty names/],
      [{ features: ['a', 'a'] }, 'features', /^--features names "a" twice/],
      [{ classes: ['g'] }, 'classes', /^--classes must be at least 2 non-empty names/],
      [{ positive: 'g' }, 'positive', /^--positive names the signal .* from --label: give --label too/],
      [{ label: 'label', classes: ['h', 'g'], positive: 'x' }, 'positive', /^--positive "x" is not one of --classes \(h, g\)/],
      [{ inputMap: { x: [] } }, 'inputMap', /^--input gives input "x" "\[\]"; expected one or more column names/],
    ];
    for (const [o, option, message] of cases) {
      const e = await failure({ model, data, out: join(dir, 'out.csv'), ...o });
      expect(e.code, option).toBe('INVALID_ARGUMENT');
      expect(e.context.option).toBe(option);
      expect(asTyped(e)).toMatch(message);
    }
    expect(readdirSync(dir).sort()).toEqual(['d.csv', 'm.onnx']);
  });

  test('columns named by label, features and inputMap must be in the header', async () => {
    const { dir, model, data } = setup();
    const label = await failure({ model, data, label: 'class', out: join(dir, 'out.csv') });
    expect(label).toMatchObject({ code: 'LABEL_INVALID', context: { option: 'label', missing: ['class'] } });
    expect(asTyped(label)).toMatch(/^--label names column "class" that .*d\.csv does not have; its columns are a, b, label$/);
    const features = await failure({ model, data, features: ['a', 'z', 'y'] });
    expect(features).toMatchObject({ code: 'DATA_INVALID', context: { option: 'features', missing: ['z', 'y'] } });
    expect(asTyped(features)).toMatch(/^--features names columns "z", "y" that/);
    const mapped = await failure({ model, data, inputMap: { x: ['a', 'q'] } });
    expect(mapped).toMatchObject({ code: 'DATA_INVALID', context: { option: 'inputMap', input: 'x' } });
    expect(readdirSync(dir).sort()).toEqual(['d.csv', 'm.onnx']);
  });
});

describe('outputs never destroy inputs; file errors are coded, never a raw exception', () => {
  test('--out equal to --data (also through a link or a hard link) or to --model: OUTPUT_IS_INPUT, the input untouched', async () => {
    const { dir, model, data, text } = setup();
    symlinkSync(data, join(dir, 'link.csv'));
    linkSync(data, join(dir, 'hard.csv'));
    for (const out of [data, join(dir, 'link.csv'), join(dir, 'hard.csv'), join(dir, '.', 'd.csv')]) {
      const e = await failure({ model, data, out });
      expect(e.code, out).toBe('OUTPUT_IS_INPUT');
      expect(e.message).toMatch(/^--out .* is the file read as --data/);
      expect(e.context.option).toBe('out');
    }
    const overModel = await failure({ model, data, out: model });
    expect(overModel.code).toBe('OUTPUT_IS_INPUT');
    expect(overModel.message).toMatch(/read as --model/);
    expect(readFileSync(data, 'utf8')).toBe(text);
    expect(readdirSync(dir).sort()).toEqual(['d.csv', 'hard.csv', 'link.csv', 'm.onnx']);
  });

  test('--out a folder, in a folder that does not exist, under a file, or a name too long: IO_ERROR before anything runs', async () => {
    const { dir, model, data } = setup();
    mkdirSync(join(dir, 'sub'));
    const cases: [string, RegExp][] = [
      [join(dir, 'sub'), /^--out: cannot write .*sub: it is a folder; give a file$/],
      [join(dir, 'nowhere', 'out.csv'), /^--out: cannot write .*out\.csv: its folder does not exist$/],
      [join(dir, 'd.csv', 'out.csv'), /^--out: cannot write .*: a part of the path is a file, not a folder$/],
      [join(dir, `${'x'.repeat(300)}.csv`), /^--out: cannot write .*: the name is too long for the file system$/],
    ];
    for (const [out, message] of cases) {
      const e = await failure({ model, data, out });
      expect(e.code, out).toBe('IO_ERROR');
      expect(e.context.option).toBe('out');
      expect(asTyped(e)).toMatch(message);
    }
    expect(readdirSync(dir).sort()).toEqual(['d.csv', 'm.onnx', 'sub']);
  });

  test('--data a folder or absent, --model a folder: coded errors naming the option', async () => {
    const { dir, model } = setup();
    mkdirSync(join(dir, 'sub'));
    const folder = await failure({ model, data: join(dir, 'sub') });
    expect(folder).toMatchObject({ code: 'IO_ERROR', context: { option: 'data' } });
    expect(asTyped(folder)).toMatch(/^--data: cannot read .*sub: it is a folder; give a file$/);
    const absent = await failure({ model, data: join(dir, 'none.csv') });
    expect(absent).toMatchObject({ code: 'FILE_NOT_FOUND', context: { option: 'data' } });
    const modelDir = await failure({ model: join(dir, 'sub'), data: join(dir, 'd.csv') });
    expect(modelDir).toMatchObject({ code: 'IO_ERROR', context: { option: 'model' } });
    expect(asTyped(modelDir)).toMatch(/^--model: cannot read .*sub: it is a folder; give a file$/);
  });
});

describe('models another tool could make', () => {
  test('a batch dimension fixed at 1: scored row by row, the same values', async () => {
    const { dir, data } = setup();
    const one = join(dir, 'one.onnx');
    writeFileSync(one, sumModel(1));
    const out = join(dir, 'out.csv');
    const r = await scoreFile({ model: one, data, features: ['a', 'b'], out, batch: 2 });
    expect(r.rows).toBe(3);
    // y = a + 2b + 0.5 by hand: 1 + 4 + 0.5, 0.5, −1 + 6 + 0.5
    expect(readFileSync(out, 'utf8')).toBe('y\n5.5\n0.5\n5.5\n');
  });

  test('a batch dimension fixed at 3: ONNX_SHAPE_MISMATCH before any row is run', async () => {
    const { dir, data } = setup();
    const three = join(dir, 'three.onnx');
    writeFileSync(three, sumModel(3));
    const e = await failure({ model: three, data, features: ['a', 'b'], out: join(dir, 'out.csv') });
    expect(e.code).toBe('ONNX_SHAPE_MISMATCH');
    expect(e.message).toMatch(/takes a fixed number of rows per run \(inputs 'x' float32 \[3, 2\]\)/);
    expect(readdirSync(dir).sort()).toEqual(['d.csv', 'm.onnx', 'three.onnx']);
  });

  test('a 3-D input: ONNX_SHAPE_MISMATCH', async () => {
    const { dir, data } = setup();
    const b = new GraphBuilder('float32', 'cube');
    const x = b.input('x', ['N', 2, 1]);
    b.output('y', b.op('ReduceSum', [x, b.ints([1, 2])], { keepdims: 0 }), 'float', ['N']);
    const file = join(dir, 'cube.onnx');
    writeFileSync(file, b.build({ producerVersion: 'test', metadata: {} }));
    const e = await failure({ model: file, data, features: ['a', 'b'] });
    expect(e.code).toBe('ONNX_SHAPE_MISMATCH');
    expect(e.message).toMatch(/discern feeds 2-D inputs \[rows, features\], this one has rank 3/);
  });

  test('an error inside onnxruntime while running is ONNX_INVALID naming the model, not a raw exception', async () => {
    const { dir, data } = setup();
    // Reshape to [4, −1] needs a multiple of 4 values: the file's 3 rows × 2 make onnxruntime fail
    const b = new GraphBuilder('float32', 'pairs');
    const x = b.input('x', ['N', 2]);
    b.output('y', b.op('Reshape', [x, b.ints([4, -1])]), 'float', [4, 'M']);
    const file = join(dir, 'pairs.onnx');
    writeFileSync(file, b.build({ producerVersion: 'test', metadata: {} }));
    const e = await failure({ model: file, data, features: ['a', 'b'], out: join(dir, 'out.csv') });
    expect(e.code).toBe('ONNX_INVALID');
    expect(e.message).toMatch(/^onnxruntime could not run .*pairs\.onnx on a batch of 3 rows \(inputs 'x' float32 \[N, 2\]\): /);
    expect(readdirSync(dir).sort()).toEqual(['d.csv', 'm.onnx', 'pairs.onnx']);
  });

  test('scikit-learn-style outputs: string labels written as text, a sequence-of-maps output (ZipMap) left out', async () => {
    const { dir, data } = setup();
    // label = "pos"/"neg" by the sign of x·[1, 2]; probabilities [N,2] through ZipMap (ai.onnx.ml) as skl2onnx does
    const tensor = (name: string, elem: number, dims: (number | string)[]) => ({
      name,
      type: { tensor_type: { elem_type: elem, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
    });
    const floats = (name: string, dims: number[], values: number[]) => ({ name, dims, data_type: DataType.FLOAT, raw_data: new Uint8Array(Float32Array.from(values).buffer) });
    const node = (op_type: string, input: string[], output: string[], attribute: unknown[] = [], domain = '') => ({ op_type, input, output, name: output[0], domain, attribute });
    const text = (s: string) => new TextEncoder().encode(s);
    const model = {
      ir_version: 8,
      opset_import: [
        { domain: '', version: 17 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
      producer_name: 'test',
      producer_version: '1',
      graph: {
        name: 'skl',
        node: [
          node('MatMul', ['x', 'w'], ['z']),
          node('Sigmoid', ['z'], ['p1']),
          node('Sub', ['one', 'p1'], ['p0']),
          node('Concat', ['p0', 'p1'], ['probabilities'], [{ name: 'axis', type: 2, i: 1 }]),
          node('ArgMax', ['probabilities'], ['k'], [{ name: 'axis', type: 2, i: 1 }, { name: 'keepdims', type: 2, i: 0 }]),
          node('LabelEncoder', ['k'], ['output_label'], [{ name: 'keys_int64s', type: 7, ints: [0, 1] }, { name: 'values_strings', type: 8, strings: [text('neg'), text('pos')] }], 'ai.onnx.ml'),
          node('ZipMap', ['probabilities'], ['output_probability'], [{ name: 'classlabels_strings', type: 8, strings: [text('neg'), text('pos')] }], 'ai.onnx.ml'),
        ],
        initializer: [floats('w', [2, 1], [1, 2]), floats('one', [], [1])],
        input: [tensor('x', DataType.FLOAT, ['N', 2])],
        output: [
          tensor('output_label', 8, ['N']),
          { name: 'output_probability', type: { sequence_type: { elem_type: { map_type: { key_type: 8, value_type: { tensor_type: { elem_type: DataType.FLOAT } } } } } } },
          tensor('probabilities', DataType.FLOAT, ['N', 2]),
        ],
      },
      metadata_props: [],
    };
    const file = join(dir, 'skl.onnx');
    writeFileSync(file, encodeModel(model as never));
    const out = join(dir, 'out.csv');
    const r = await scoreFile({ model: file, data, features: ['a', 'b'], out, label: 'label' });
    expect(r.outputs).toEqual(['output_label', 'probabilities']);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('output_label,probabilities_0,probabilities_1');
    // x·w = 5, 0, 5 → pos, neg (ArgMax takes the first of a tie at 0.5), pos
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['pos', 'neg', 'pos']);
    expect(r.probaOutput).toBe('probabilities');
    expect(r.metrics!.n).toBe(3);
  });
});
