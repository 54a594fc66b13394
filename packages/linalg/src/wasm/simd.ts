/**
 * The WebAssembly SIMD kernels (kernels.wat, carried assembled in kernels-wasm.ts) and the memory they work in.
 *
 * Why WebAssembly: V8 compiles JavaScript's arithmetic to scalar instructions only, while WebAssembly's 128-bit SIMD
 * (f64x2, in every Node since 16) does two double-precision multiplies or adds per instruction. Every kernel
 * reproduces the operations of a JavaScript kernel in the same order (see the header of kernels.wat), so a fit gives
 * the same bits with or without them; the JavaScript kernels stay as the reference the tests compare against, and as
 * the path where WebAssembly SIMD is missing or switched off (`DISCERN_SIMD=0`, or `setSimdEnabled(false)`).
 *
 * The module is compiled once per thread (synchronously: it is small, ~4 KB) and instantiated per user: each
 * SimdHeap is its own instance with its own memory, sized once, so that the Float64Array views into it never detach.
 */
import type { Worker as WorkerType } from 'node:worker_threads';
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';

/** The parts of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
export interface WasmApi {
  readonly Module: { new (bytes: Uint8Array): WasmModule; exports(m: WasmModule): { name: string; kind: string }[] };
  readonly Instance: new (m: WasmModule, imports?: object) => { readonly exports: object };
  validate(bytes: Uint8Array): boolean;
}

/** The runtime's WebAssembly, where it has one. */
export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The kernels' exports; pointers are byte offsets into `memory` (see kernels.wat for each contract). */
export interface SimdKernels {
  readonly memory: WasmMemory;
  gmm_estep(L: number, Lstride: number, c: number, c0: number, xt: number, ldx: number, bn: number, p: number, K: number, lp: number): void;
  gmm_mstep(x: number, bn: number, p: number, means: number, lp: number, sc: number, K: number, R: number, m: number, S: number, nk: number): void;
  gmm_rowmax(lp: number, bn: number, K: number, mx: number): void;
  /** 1 when every value copied is finite, else 0. */
  transpose(src: number, rows: number, cols: number, dst: number, ldd: number): number;
  gather_rows(dst: number, src: number, lds: number, idx: number, m: number, p: number): void;
  mm(C: number, ldc: number, A: number, sai: number, sak: number, B: number, ldb: number, M: number, N: number, Kr: number, bias: number, relu: number, E: number, decay: number): void;
  colsum(D: number, m: number, n: number, out: number): void;
  sumsq(v: number, len: number): number;
  relu_mask(Dp: number, m: number, r: number, mask: number): void;
  outer_mask(Dp: number, m: number, r: number, d: number, w: number, mask: number): void;
  gemv(xt: number, ld: number, m: number, p: number, v: number, bias: number, out: number): void;
  gemvt(x: number, m: number, p: number, d: number, out: number): void;
  logloss_pass(xt: number, ld: number, i0: number, m: number, p: number, theta: number, bias: number, y: number, w: number, acc: number, out: number, first: number): void;
  peak_muladd(iters: number): number;
}

/**
 * Doubles of scratch `logloss_pass` takes for p features: its p sums (two lanes each), its table of 33 constants,
 * four lists of 32 vectors (a block's z, e^−|z|, ℓ and d) and its three running sums (loss, compensation, intercept).
 */
export function loglossScratch(p: number): number {
  return 2 * (p + 33 + 4 * 32 + 3);
}

let compiled: WasmModule | null | undefined;
let enabled = typeof process === 'undefined' || process.env.DISCERN_SIMD !== '0';

function decode(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The compiled module, or null where this runtime has no WebAssembly SIMD. */
function kernelModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      const bytes = decode(KERNELS_WASM_BASE64);
      compiled = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** The kernels' exports of a new instance (its own memory). */
function instantiate(mod: WasmModule): SimdKernels {
  return new wasmApi!.Instance(mod).exports as SimdKernels;
}

/** Whether fits use the SIMD kernels on this thread: the runtime has them and they are not switched off. */
export function simdEnabled(): boolean {
  return enabled && kernelModule() !== null;
}

/**
 * Switches the SIMD kernels on or off for fits started afterwards on this thread (worker threads follow the flag
 * of the fit that hands them work). Returns the previous setting. For tests and benchmarks that compare both paths;
 * `DISCERN_SIMD=0` switches them off for a whole process.
 */
export function setSimdEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Doubles of slack after every allocation: kernels may read (never write) a few values past a buffer's end. */
const SLACK = 8;

/**
 * One instance of the kernels with its own memory of a fixed number of doubles, handed out by `alloc` (16-byte
 * aligned, with slack). `f64` views the whole memory; an allocation at index `a` is f64[a … a + n) and its byte
 * pointer for the kernels is 8·a.
 */
export class SimdHeap {
  readonly k: SimdKernels;
  readonly f64: Float64Array;
  private next = 0;
  private readonly capacity: number;

  private constructor(mod: WasmModule, doubles: number) {
    this.k = instantiate(mod);
    const bytes = doubles * 8;
    const have = this.k.memory.buffer.byteLength;
    if (bytes > have) this.k.memory.grow(Math.ceil((bytes - have) / 65536));
    this.f64 = new Float64Array(this.k.memory.buffer);
    this.capacity = this.f64.length;
  }

  /** A heap for `sizes` (in doubles) allocations, or undefined where the SIMD kernels are off or missing. */
  static create(sizes: readonly number[]): SimdHeap | undefined {
    if (!simdEnabled()) return undefined;
    const total = sizes.reduce((s, n) => s + SimdHeap.footprint(n), 0);
    return new SimdHeap(kernelModule()!, total);
  }

  /**
   * `prev` emptied for `sizes` where they fit in it (its instance and memory kept, its old contents left in place),
   * else a new heap: for a user that keeps one heap at a time and drops the one before, so that a series of fits
   * does not make a WebAssembly memory each (each reserves gigabytes of address space, and a run of them made V8
   * collect garbage, full collections included, in the middle of threaded passes). Undefined where SIMD is off.
   */
  static recycle(prev: SimdHeap | undefined, sizes: readonly number[]): SimdHeap | undefined {
    if (!simdEnabled()) return undefined;
    const total = sizes.reduce((s, n) => s + SimdHeap.footprint(n), 0);
    if (prev && total <= prev.capacity) {
      prev.next = 0;
      return prev;
    }
    return new SimdHeap(kernelModule()!, total);
  }

  /** Doubles an allocation of n takes, slack and alignment included. */
  static footprint(n: number): number {
    return (Math.ceil(n / 2) + SLACK / 2) * 2;
  }

  /** Index (in doubles) of a new allocation of n doubles. */
  alloc(n: number): number {
    const at = this.next;
    this.next += SimdHeap.footprint(n);
    if (this.next > this.capacity) throw new Error(`SimdHeap: ${n} doubles do not fit (${this.capacity - at} left); size the heap with every allocation`);
    return at;
  }

  /** A view of an allocation. */
  view(at: number, n: number): Float64Array {
    return this.f64.subarray(at, at + n);
  }
}

/**
 * The machine's f64x2 multiply-add rate in this thread, in GFLOP/s: `peak_muladd` (10 independent chains of
 * f64x2.mul and f64x2.add) run for about `ms` milliseconds; the best of 5 rounds. Undefined without SIMD.
 */
export function measureVectorPeak(ms = 100): number | undefined {
  const mod = kernelModule();
  if (!mod) return undefined;
  const k = instantiate(mod);
  // many short calls first: V8 runs a WebAssembly function's baseline (Liftoff) code until it has been called enough
  // to be recompiled by its optimising compiler, and a call in progress never switches
  for (let r = 0; r < 2000; r++) k.peak_muladd(1000);
  let iters = 100_000;
  // grow the count until one round takes ~ms/5
  for (;;) {
    const t0 = performance.now();
    k.peak_muladd(iters);
    const dt = performance.now() - t0;
    if (dt > ms / 5 || iters > 1e9) break;
    iters *= 2;
  }
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    k.peak_muladd(iters);
    const dt = (performance.now() - t0) / 1000;
    // 10 instructions per iteration, 2 lanes each, 1 flop per lane
    best = Math.max(best, (iters * 10 * 2) / dt / 1e9);
  }
  return best;
}

/**
 * The f64x2 multiply-add rate of `threads` cores at once, in GFLOP/s: `peak_muladd` run together on this thread and
 * threads − 1 worker threads (each warmed up first, ~25 ms rounds), the median round of each thread summed.
 * Undefined without SIMD or worker threads.
 */
export async function measureVectorPeakOn(threads: number): Promise<number | undefined> {
  const mod = kernelModule();
  if (!mod) return undefined;
  let Worker: typeof WorkerType;
  try {
    ({ Worker } = await import('node:worker_threads'));
  } catch {
    return undefined;
  }
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const k = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(workerData, 'base64'))).exports;
    for (let r = 0; r < 2000; r++) k.peak_muladd(1000);
    parentPort.on('message', ({ iters, rounds }) => {
      const out = [];
      for (let r = 0; r < rounds; r++) { const t0 = performance.now(); k.peak_muladd(iters); out.push((iters * 20) / ((performance.now() - t0) / 1000) / 1e9); }
      parentPort.postMessage(out);
    });`;
  const k = instantiate(mod);
  for (let r = 0; r < 2000; r++) k.peak_muladd(1000);
  let iters = 1 << 16;
  for (;;) {
    const t0 = performance.now();
    k.peak_muladd(iters);
    if (performance.now() - t0 > 25 || iters > 1 << 30) break;
    iters *= 2;
  }
  const rounds = 9;
  const workers = Array.from({ length: threads - 1 }, () => new Worker(code, { eval: true, workerData: KERNELS_WASM_BASE64 }));
  const median = (a: number[]): number => a.sort((x, y) => x - y)[a.length >> 1]!;
  try {
    // the workers' rounds start first (a worker takes a few ms to start); the rounds overlap
    const pending = workers.map((w) => new Promise<number[]>((res) => w.once('message', res)));
    workers.forEach((w) => w.postMessage({ iters, rounds }));
    await new Promise((r) => setTimeout(r, 30));
    const mine: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      k.peak_muladd(iters);
      mine.push((iters * 20) / ((performance.now() - t0) / 1000) / 1e9);
    }
    const all = [mine, ...(await Promise.all(pending))];
    return all.reduce((s, rates) => s + median(rates), 0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Whether this runtime validates relaxed-SIMD's fused multiply-add (f64x2.relaxed_madd). The kernels do not use it
 * (a fused multiply-add rounds once, so results would differ from the JavaScript reference); the benchmark reports it.
 */
export function relaxedSimdAvailable(): boolean {
  // (module (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f64x2.relaxed_madd))
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 135, 2, 11]);
  try {
    return wasmApi?.validate(bytes) ?? false;
  } catch {
    return false;
  }
}
