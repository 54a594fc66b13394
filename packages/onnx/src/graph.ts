/**
 * A small typed builder for ONNX graphs: inputs, outputs, initializers (float/double/int64 tensors, stored as
 * little-endian raw_data), nodes, and the model around them (opset, IR version, producer, metadata_props).
 * A builder has one floating type for its arithmetic: every float initializer and every float value it creates is
 * float32, or float64 when asked, so a float64 graph computes in double throughout. Its inputs and float outputs may
 * be of another type (`io`): a float32 model that computes in float64 inside takes and gives float32, with a Cast
 * after each input and before each float output.
 */
import { type AttributeProto, AttributeType, DataType, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto, encodeModel } from './proto.js';

/** The opset of the default domain every graph imports (ONNX 1.12, the checker's newest). */
export const OPSET = 17;
/** IR version 8 (ONNX 1.10–1.12). */
export const IR_VERSION = 8;

export type FloatType = 'float32' | 'float64';
export type ElemType = 'float' | 'int64';
/** A dimension: a size, or a symbolic name such as 'N' for the batch. */
export type Dim = number | string;
/**
 * Attribute values: integers become INT (axis, keepdims, to, perm...), integer arrays INTS, text STRING; the tagged
 * forms make FLOATS (float32 values), STRINGS, and a TENSOR attribute of doubles (ai.onnx.ml's `*_as_tensor`).
 */
export type AttrValue =
  | number
  | readonly number[]
  | string
  | { readonly floats: ArrayLike<number> }
  | { readonly strings: readonly string[] }
  | { readonly doubles: ArrayLike<number> };

/** The ONNX-ML operator domain and the version of it discern's graphs import when they use it (ONNX 1.12's newest). */
export const ML_DOMAIN = 'ai.onnx.ml';
export const ML_OPSET = 3;

interface Port {
  name: string;
  elem: number;
  shape: readonly Dim[];
  doc?: string;
}

function valueInfo(p: Port): ValueInfoProto {
  return {
    name: p.name,
    type: { tensor_type: { elem_type: p.elem, shape: { dim: p.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } },
    ...(p.doc ? { doc_string: p.doc } : {}),
  };
}

function rawBytes(values: ArrayLike<number>, type: number): Uint8Array {
  const n = values.length;
  const size = type === DataType.FLOAT ? 4 : type === DataType.BOOL ? 1 : 8;
  const buf = new Uint8Array(n * size);
  const view = new DataView(buf.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (type === DataType.FLOAT) view.setFloat32(i * 4, v, true);
    else if (type === DataType.DOUBLE) view.setFloat64(i * 8, v, true);
    else if (type === DataType.INT64) view.setBigInt64(i * 8, BigInt(v), true);
    else view.setUint8(i, v ? 1 : 0);
  }
  return buf;
}

function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'object' && 'floats' in v) return { name, type: AttributeType.FLOATS, floats: Array.from(v.floats) };
  if (typeof v === 'object' && 'strings' in v) return { name, type: AttributeType.STRINGS, strings: v.strings.map((t) => new TextEncoder().encode(t)) };
  if (typeof v === 'object' && 'doubles' in v)
    return { name, type: AttributeType.TENSOR, t: { name: '', dims: [v.doubles.length], data_type: DataType.DOUBLE, raw_data: rawBytes(v.doubles, DataType.DOUBLE) } };
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`internal: attribute ${name} = ${v} is not an integer`);
    return { name, type: AttributeType.INT, i: v };
  }
  return { name, type: AttributeType.INTS, ints: [...v] };
}

export interface ModelInfo {
  readonly producerVersion: string;
  readonly docString?: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export class GraphBuilder {
  /** The type of the arithmetic (initializers and every float value inside). */
  readonly dtype: FloatType;
  /** The type of the float inputs and outputs. */
  readonly io: FloatType;
  /** The TensorProto type code of the builder's floats. */
  readonly floatCode: number;
  private readonly ioCode: number;
  private readonly nodes: NodeProto[] = [];
  private readonly inits: TensorProto[] = [];
  private readonly inputs: Port[] = [];
  private readonly outputs: Port[] = [];
  private readonly names = new Set<string>();
  private counter = 0;
  /** Whether a node of the ONNX-ML domain was added (its opset is then imported). */
  private usesMl = false;

  constructor(dtype: FloatType = 'float32', readonly graphName = 'discern', io: FloatType = dtype) {
    this.dtype = dtype;
    this.io = io;
    this.floatCode = dtype === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
    this.ioCode = io === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
  }

  private fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`internal: graph value name '${name}' used twice`);
    this.names.add(name);
    return name;
  }

  /** A graph input of the io type; returns the value to compute with (cast to the builder's type when they differ). */
  input(name: string, shape: readonly Dim[], doc?: string): string {
    this.inputs.push({ name: this.claim(name), elem: this.ioCode, shape, ...(doc ? { doc } : {}) });
    return this.ioCode === this.floatCode ? name : this.op('Cast', [name], { to: this.floatCode });
  }

  /** Declares `value` as graph output `name` (an Identity node when the names differ, a Cast to the io type for floats). */
  output(name: string, value: string, elem: ElemType, shape: readonly Dim[], doc?: string): void {
    if (elem === 'float' && this.ioCode !== this.floatCode) this.op('Cast', [value], { to: this.ioCode }, name);
    else if (value !== name) this.op('Identity', [value], {}, name);
    this.outputs.push({ name, elem: elem === 'int64' ? DataType.INT64 : this.ioCode, shape, ...(doc ? { doc } : {}) });
  }

  /** A float initializer (the builder's type) with the given dims (row-major values). */
  floats(values: ArrayLike<number>, dims: readonly number[], hint = 'c'): string {
    return this.tensor(values, dims, this.floatCode, hint);
  }

  /** A float scalar constant. */
  scalar(v: number, hint = 'k'): string {
    return this.floats([v], [], hint);
  }

  /** An int64 initializer (axes, shapes, class indices). */
  ints(values: readonly number[], dims: readonly number[] = [values.length], hint = 'i'): string {
    return this.tensor(values, dims, DataType.INT64, hint);
  }

  private tensor(values: ArrayLike<number>, dims: readonly number[], type: number, hint: string): string {
    const expected = dims.reduce((a, d) => a * d, 1);
    if (values.length !== expected) throw new Error(`internal: initializer ${hint} has ${values.length} values for dims [${dims.join(', ')}]`);
    const name = this.fresh(hint);
    this.inits.push({ name, dims: [...dims], data_type: type, raw_data: rawBytes(values, type) });
    return name;
  }

  /** Adds one node; returns the name of its (single) output, `out` when given. */
  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, out?: string): string {
    const output = out !== undefined ? this.claim(out) : this.fresh(opType);
    this.nodes.push({
      op_type: opType,
      name: `${opType}_${this.nodes.length}`,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /** Adds one node of the ONNX-ML domain (ai.onnx.ml, opset ML_OPSET); returns the name of its output. */
  mlOp(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): string {
    const output = this.fresh(opType);
    this.usesMl = true;
    this.nodes.push({
      op_type: opType,
      domain: ML_DOMAIN,
      name: `${opType}_${this.nodes.length}`,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  /** The serialised model: one graph, the default-domain opset OPSET, IR_VERSION, producer 'discern'. */
  build(info: ModelInfo): Uint8Array {
    const model: ModelProto = {
      ir_version: IR_VERSION,
      opset_import: [{ domain: '', version: OPSET }, ...(this.usesMl ? [{ domain: ML_DOMAIN, version: ML_OPSET }] : [])],
      producer_name: 'discern',
      producer_version: info.producerVersion,
      domain: 'org.discern',
      model_version: 1,
      ...(info.docString ? { doc_string: info.docString } : {}),
      graph: { name: this.graphName, node: this.nodes, initializer: this.inits, input: this.inputs.map(valueInfo), output: this.outputs.map(valueInfo) },
      metadata_props: Object.entries(info.metadata).map(([key, value]) => ({ key, value })),
    };
    return encodeModel(model);
  }
}
