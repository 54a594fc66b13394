import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { GraphBuilder, IR_VERSION, OPSET, createSession, decodeModel, runBatch } from './index.js';
import { ONNX_PROTO_TEXT } from './schema/onnx-proto.js';
import { hasPythonOnnx, onnxCheck } from './testing.test-helpers.js';

describe('ONNX schema and graph builder', () => {
  test('the embedded schema is the text of schema/onnx.proto (regenerate with tools/fixtures/make_onnx_schema.py)', () => {
    expect(ONNX_PROTO_TEXT).toBe(readFileSync(fileURLToPath(new URL('./schema/onnx.proto', import.meta.url)), 'utf8'));
  });

  test('a hand-built float64 graph round-trips through protobufjs, passes the checker and runs', async () => {
    const b = new GraphBuilder('float64', 'tiny');
    const x = b.input('x', ['N', 2]);
    const y = b.op('Add', [b.op('MatMul', [x, b.floats([1, 2, 3, 4], [2, 2])]), b.floats([0.5, -0.5], [2])]);
    b.output('y', y, 'float', ['N', 2]);
    b.output('k', b.op('ArgMax', [y], { axis: 1, keepdims: 0 }), 'int64', ['N']);
    const bytes = b.build({ producerVersion: '9.9.9', metadata: { a: '1', features: '["p","q"]' } });
    const d = decodeModel(bytes);
    expect(d).toMatchObject({ irVersion: IR_VERSION, producer: 'discern', opsets: [{ domain: '', version: OPSET }], metadata: { a: '1', features: '["p","q"]' } });
    expect(d.graph.node.map((n) => n.op_type)).toEqual(['MatMul', 'Add', 'Identity', 'ArgMax', 'Identity']);
    if (hasPythonOnnx()) expect(onnxCheck(bytes)).toBe('');
    const ms = await createSession(bytes);
    const out = await runBatch(ms, { x: { rows: 2, cols: 2, data: Float64Array.from([1, 1, 0.1, -1]) } });
    await ms.session.release();
    // [1,1]·[[1,2],[3,4]] + [0.5,−0.5] = [4.5, 5.5]; [0.1,−1]·W + b = [−2.4, −4.3]
    expect(Array.from(out.y!.data)).toEqual([4.5, 5.5, 0.1 + -3 + 0.5, 0.2 - 4 - 0.5]);
    expect(Array.from(out.k!.data)).toEqual([1, 0]);
    expect(out.y!.type).toBe('float64');
  });

  test('a value name used twice is refused (a builder bug, not user input)', () => {
    const b = new GraphBuilder();
    b.input('x', ['N', 1]);
    expect(() => b.input('x', ['N', 1])).toThrow(/used twice/);
  });
});
