// @discern/onnx: ONNX export of discern's models and decision rules (parity-checked against the TypeScript models),
// and scoring of any ONNX model with onnxruntime-node on the CPU or a GPU.
export { EXPORTABLE_KINDS, INPUT_NAME, buildModel, exportModel, exportModelChecked, exportModelFile } from './export.js';
export type { BuiltModel, ExportFileOptions, ExportModelOptions, ExportOptions, ExportResult, ExportableKind, ParityRows, StandardizerLike } from './export.js';
export { DEFAULT_PARITY_ROWS, checkTrainingSummary, drawParityRows } from './parity-rows.js';
export type { ParityRowsOptions } from './parity-rows.js';
export type { DecisionInput } from './decision.js';
export type { FamilyRole, ScoreKind } from './family.js';
export { GraphBuilder, IR_VERSION, OPSET } from './graph.js';
export type { AttrValue, Dim, ElemType, FloatType, ModelInfo } from './graph.js';
export { decodeModel } from './proto.js';
export type { DecodedModel } from './proto.js';
export { META } from './metadata.js';
export { PARITY_TOLERANCE, TIE_TOLERANCE, checkParity } from './parity.js';
export type { OutputParity, ParityReport } from './parity.js';
export { createSession, describeTensor, runBatch } from './session.js';
export type { ModelSession, OutputValue, TensorInfo } from './session.js';
export { GPU_PROVIDERS } from './devices.js';
export type { Device, Provider, ProviderAttempt } from './devices.js';
export { SCORE_OPTION_NAMES } from './score-options.js';
export type { ScoreOptionName, ScoreOptions } from './score-options.js';
export { scoreFile } from './score.js';
export type { ScoreResult, ScoreTimings } from './score.js';
