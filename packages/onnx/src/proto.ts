/**
 * The ONNX protobuf messages, from the schema text embedded in schema/onnx-proto.ts (ONNX's own onnx.proto), parsed
 * once by protobufjs. All wire encoding and decoding goes through protobufjs: nothing here writes bytes by hand.
 * Field names keep the schema's snake_case (`keepCase`), so the objects below read as the ONNX spec does.
 */
import protobuf from 'protobufjs';
import { ONNX_PROTO_TEXT } from './schema/onnx-proto.js';

/** TensorProto.DataType values used here (onnx.proto). */
export const DataType = { FLOAT: 1, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export interface TensorProto {
  dims: number[];
  data_type: number;
  name: string;
  raw_data: Uint8Array;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain?: string;
  attribute: AttributeProto[];
}

export interface TensorShapeDim {
  dim_value?: number;
  dim_param?: string;
}

export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: TensorShapeDim[] } } };
  doc_string?: string;
}

export interface GraphProto {
  node: NodeProto[];
  name: string;
  initializer: TensorProto[];
  doc_string?: string;
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

export interface StringStringEntry {
  key: string;
  value: string;
}

export interface ModelProto {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  domain?: string;
  model_version?: number;
  doc_string?: string;
  graph: GraphProto;
  metadata_props: StringStringEntry[];
}

let modelType: protobuf.Type | undefined;

function modelProtoType(): protobuf.Type {
  if (!modelType) {
    const root = protobuf.parse(ONNX_PROTO_TEXT, { keepCase: true }).root;
    modelType = root.lookupType('onnx.ModelProto');
  }
  return modelType;
}

/** Serialises a ModelProto (after protobufjs's own field check). */
export function encodeModel(model: ModelProto): Uint8Array {
  const T = modelProtoType();
  const problem = T.verify(model);
  if (problem) throw new Error(`internal: the ONNX model built does not match onnx.proto: ${problem}`);
  // a plain Uint8Array (protobufjs hands back a Buffer under Node)
  return new Uint8Array(T.encode(T.fromObject(model)).finish());
}

/** What scoring needs from a model file: its metadata and the declared inputs/outputs. */
export interface DecodedModel {
  readonly irVersion: number;
  readonly producer: string;
  readonly opsets: { domain: string; version: number }[];
  readonly metadata: Record<string, string>;
  readonly graph: GraphProto;
}

/** Decodes model bytes; throws protobufjs's error on bytes that are not a ModelProto (the caller words it). */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const T = modelProtoType();
  const obj = T.toObject(T.decode(bytes), { longs: Number, bytes: Array, defaults: false, arrays: true }) as Partial<ModelProto>;
  const metadata: Record<string, string> = {};
  for (const e of obj.metadata_props ?? []) metadata[e.key] = e.value;
  return {
    irVersion: Number(obj.ir_version ?? 0),
    producer: obj.producer_name ?? '',
    opsets: (obj.opset_import ?? []).map((o) => ({ domain: o.domain ?? '', version: Number(o.version) })),
    metadata,
    graph: obj.graph ?? { node: [], name: '', initializer: [], input: [], output: [] },
  };
}
