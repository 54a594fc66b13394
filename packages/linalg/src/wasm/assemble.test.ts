/**
 * The committed module (kernels-wasm.ts) is the assembly of the committed source (kernels.wat): a fresh clone runs
 * the kernels from the bytes it carries, with no build step, and this test holds those bytes to their source.
 */
import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64, KERNELS_WAT_SHA256 } from './kernels-wasm.js';
import { assemble, readWat, sha256 } from './assemble.test-helpers.js';
import { wasmApi } from './simd.js';

describe('kernels-wasm.ts', () => {
  it('holds wabt’s assembly of kernels.wat, byte for byte (else: npm run kernels -w @discern/linalg)', async () => {
    const wat = readWat();
    expect(KERNELS_WAT_SHA256, 'kernels.wat changed since kernels-wasm.ts was written: run npm run kernels -w @discern/linalg').toBe(sha256(wat));
    const bytes = await assemble(wat);
    expect(KERNELS_WASM_BASE64).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('is valid WebAssembly with SIMD, and exports every kernel', () => {
    const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    expect(wasmApi!.validate(bytes)).toBe(true);
    const names = wasmApi!.Module.exports(new wasmApi!.Module(bytes)).map((e) => e.name).sort();
    expect(names).toEqual(['colsum', 'gather_rows', 'gemv', 'gemvt', 'gmm_estep', 'gmm_mstep', 'gmm_rowmax', 'logloss_pass', 'memory', 'mm', 'outer_mask', 'peak_muladd', 'relu_mask', 'sumsq', 'transpose']);
  });
});
