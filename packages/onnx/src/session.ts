/**
 * Loading an ONNX model for scoring: bytes or a file, validated by onnxruntime on the CPU (a corrupt or truncated file
 * is ONNX_INVALID naming the file and onnxruntime's words), then opened on the requested device; its metadata_props
 * decoded with the ONNX schema. runBatch feeds one float matrix per input and returns every output as numbers.
 */
import { readFile } from 'node:fs/promises';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { type DenseMatrix } from '@discern/linalg';
import { DiscernError, ioError } from '@discern/core';
import { type Device, type Provider, type ProviderAttempt, firstLine, openOnDevice, quietRuntime } from './devices.js';
import { decodeModel } from './proto.js';

export interface TensorInfo {
  readonly name: string;
  /** onnxruntime's type name: 'float32', 'float64', 'int64'... ('non-tensor' for sequences and maps). */
  readonly type: string;
  readonly shape: readonly (number | string)[];
}

export interface ModelSession {
  readonly session: InferenceSession;
  readonly source: string;
  readonly provider: Provider;
  readonly notice?: string;
  readonly attempts: readonly ProviderAttempt[];
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** metadata_props of the model (empty when it has none). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly producer: string;
}

/**
 * An output of one run: values as numbers (int64 and bool converted), with the dims onnxruntime reported; a string
 * tensor (class labels of a model from another tool) has its values in `text` and NaN in `data`.
 */
export interface OutputValue {
  readonly dims: readonly number[];
  readonly type: string;
  readonly data: Float64Array;
  readonly text?: readonly string[];
}

function describeShape(shape: readonly (number | string)[]): string {
  return `[${shape.map((d) => (typeof d === 'number' && d < 0 ? '?' : String(d))).join(', ')}]`;
}

export function describeTensor(t: TensorInfo): string {
  return `'${t.name}' ${t.type} ${describeShape(t.shape)}`;
}

function infos(meta: readonly InferenceSession.ValueMetadata[]): TensorInfo[] {
  return meta.map((m) => (m.isTensor ? { name: m.name, type: String(m.type), shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }));
}

async function loadBytes(model: Uint8Array | string): Promise<{ bytes: Uint8Array; source: string }> {
  if (typeof model !== 'string') return { bytes: model, source: 'the model bytes' };
  try {
    return { bytes: new Uint8Array(await readFile(model)), source: model };
  } catch (e) {
    // a folder, a name too long, no permission...: said in words by the one file-error mapping
    throw ioError(e, model, 'read');
  }
}

/** Opens a model (bytes or path) on `device` (default 'cpu'). */
export async function createSession(model: Uint8Array | string, device: Device = 'cpu', options: { readonly intraOpNumThreads?: number } = {}): Promise<ModelSession> {
  const { bytes, source } = await loadBytes(model);
  if (bytes.length === 0) throw new DiscernError('ONNX_INVALID', `${source} is empty (0 bytes); expected an ONNX model`, { file: source });
  let cpu: InferenceSession;
  try {
    quietRuntime();
    // intraOpNumThreads: 1 where worker threads are the parallelism (score-threads.ts), so that sessions do not compete for cores
    cpu = await InferenceSession.create(bytes, { executionProviders: ['cpu'], logSeverityLevel: 3, ...(options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads, interOpNumThreads: 1 } : {}) });
  } catch (e) {
    throw new DiscernError('ONNX_INVALID', `${source} is not a loadable ONNX model (${bytes.length} bytes; corrupt or truncated?): onnxruntime says: ${firstLine(e)}`, { file: source, bytes: bytes.length }, { cause: e });
  }
  let metadata: Record<string, string> = {};
  let producer = '';
  try {
    const decoded = decodeModel(bytes);
    metadata = decoded.metadata;
    producer = decoded.producer;
  } catch {
    // onnxruntime accepted the file, so it is a model; metadata is optional and scoring goes on without it
  }
  const opened = await openOnDevice(bytes, device, source, cpu);
  if (opened.session !== cpu) await cpu.release();
  return {
    session: opened.session,
    source,
    provider: opened.provider,
    ...(opened.notice ? { notice: opened.notice } : {}),
    attempts: opened.attempts,
    inputs: infos(opened.session.inputMetadata),
    outputs: infos(opened.session.outputMetadata),
    metadata,
    producer,
  };
}

/** Converts row-major values to the input's element type (float32 rounds; float64 copies nothing). */
export function inputTensor(info: TensorInfo, X: DenseMatrix): Tensor {
  const dims = [X.rows, X.cols];
  if (info.type === 'float64') return new Tensor('float64', X.data, dims);
  if (info.type === 'float32') return new Tensor('float32', Float32Array.from(X.data), dims);
  throw new DiscernError('ONNX_SHAPE_MISMATCH', `model input ${describeTensor(info)} is not a float tensor; discern feeds float32 or float64 feature matrices`, { input: info.name, type: info.type });
}

/**
 * The outputs a run fetches: the tensors. onnxruntime-node cannot return a sequence or a map (scikit-learn
 * converters' ZipMap `output_probability` is a sequence of maps), and asking for one fails the whole run, so such
 * outputs are left out; a model with no tensor output at all cannot be scored.
 */
export function tensorOutputs(ms: ModelSession): string[] {
  const names = ms.outputs.filter((o) => o.type !== 'non-tensor').map((o) => o.name);
  if (names.length === 0)
    throw new DiscernError('ONNX_SHAPE_MISMATCH', `model ${ms.source} has no tensor output (outputs: ${ms.outputs.map(describeTensor).join(', ')}); onnxruntime-node returns tensors only`, {
      file: ms.source,
      outputs: ms.outputs.map((o) => o.name),
    });
  return names;
}

/**
 * Runs one batch: `feeds` maps input names to row-major matrices; returns every tensor output as Float64 values
 * (string tensors as text). An error inside onnxruntime (a fixed dimension the rows do not fit, an operator that
 * fails on these values) is ONNX_INVALID naming the model and onnxruntime's words, never a raw exception.
 */
export async function runBatch(ms: ModelSession, feeds: Readonly<Record<string, DenseMatrix>>): Promise<Record<string, OutputValue>> {
  const tensors: Record<string, Tensor> = {};
  let rows = 0;
  for (const info of ms.inputs) {
    const X = feeds[info.name];
    if (!X) throw new DiscernError('ONNX_SHAPE_MISMATCH', `no data for model input ${describeTensor(info)}; the model's inputs are ${ms.inputs.map(describeTensor).join(', ')}`, { input: info.name });
    tensors[info.name] = inputTensor(info, X);
    rows = X.rows;
  }
  let result: InferenceSession.OnnxValueMapType;
  try {
    result = await ms.session.run(tensors, tensorOutputs(ms));
  } catch (e) {
    if (e instanceof DiscernError) throw e;
    throw new DiscernError('ONNX_INVALID', `onnxruntime could not run ${ms.source} on a batch of ${rows} rows (inputs ${ms.inputs.map(describeTensor).join(', ')}): ${firstLine(e)}`, { file: ms.source, rows }, { cause: e });
  }
  const out: Record<string, OutputValue> = {};
  for (const [name, value] of Object.entries(result)) {
    const t = value as Tensor;
    const dims = t.dims.map(Number);
    if (t.type === 'string') {
      const text = Array.from(t.data as readonly string[], String);
      out[name] = { dims, type: t.type, data: new Float64Array(text.length).fill(NaN), text };
    } else {
      const src = t.data as ArrayLike<number | bigint | boolean>;
      const data = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) data[i] = Number(src[i]!);
      out[name] = { dims, type: t.type, data };
    }
    t.dispose?.();
  }
  return out;
}
