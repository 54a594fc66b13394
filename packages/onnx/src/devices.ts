/**
 * Execution providers. 'cpu' is always there. 'gpu' tries, in order:
 *  - CUDA: onnxruntime-node loads it only when its CUDA libraries were installed with the package, i.e. on a machine
 *    that can reach the download, `ONNXRUNTIME_NODE_INSTALL=cuda12 npm install onnxruntime-node` (this repository's
 *    .npmrc skips that download, so a plain `npm ci` has no CUDA provider);
 *  - WebGPU: the Linux build of onnxruntime-node carries a WebGPU provider over Dawn, which needs a Vulkan driver
 *    (libvulkan.so.1 and a GPU adapter).
 * 'auto' takes the first GPU provider that opens the model, else the CPU with a one-line notice for the caller to
 * print. 'gpu' with no usable provider is DEVICE_UNAVAILABLE listing each provider tried and its error.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, env } from 'onnxruntime-node';
import { DiscernError } from '@discern/core';

export type Device = 'cpu' | 'gpu' | 'auto';
/** The provider a session actually runs on. */
export type Provider = 'cpu' | 'cuda' | 'webgpu';

export const GPU_PROVIDERS: readonly Provider[] = ['cuda', 'webgpu'];

export interface ProviderAttempt {
  readonly provider: Provider;
  readonly error: string;
}

export interface OpenedSession {
  readonly session: InferenceSession;
  readonly provider: Provider;
  /** Set when 'auto' fell back to the CPU: one line saying so and why. */
  readonly notice?: string;
  readonly attempts: readonly ProviderAttempt[];
}

/**
 * onnxruntime's own logger prints a provider that fails to load (and other errors) to stderr before it throws; every
 * failure reaches the user once, as a coded error or the 'auto' notice, so the runtime's logger is held to fatal
 * messages. Must run before the first session is created (the log level is fixed when the runtime starts).
 */
export function quietRuntime(): void {
  if (env.logLevel !== 'fatal') env.logLevel = 'fatal';
}

/** The first line of an onnxruntime error, without its source-file prefix noise. */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split('\n').find((l) => l.trim() !== '') ?? msg;
  // onnxruntime colours its log lines with ANSI escapes
  return line.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '').trim();
}

async function open(bytes: Uint8Array, provider: Provider): Promise<InferenceSession> {
  quietRuntime();
  return InferenceSession.create(bytes, { executionProviders: [provider], logSeverityLevel: provider === 'cpu' ? 3 : 4 });
}

const LIBRARY_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/lib/x86_64-linux-gnu', '/lib64'];

/**
 * Whether the Vulkan loader the WebGPU provider needs can be found. Without it Dawn prints a warning with a native
 * back-trace straight to stderr, which no log level silences, so the provider is not even tried: the attempt records
 * the reason instead.
 */
export function vulkanLoaderFound(): boolean {
  if (process.platform !== 'linux') return true; // Dawn uses Metal/D3D12 elsewhere
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...LIBRARY_DIRS];
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/**
 * Opens `bytes` (already known to load on the CPU: see createSession) on the device asked for, re-using `cpuSession`
 * when the CPU is the answer (the caller releases it otherwise). `source` names the model in messages.
 */
export async function openOnDevice(bytes: Uint8Array, device: Device, source: string, cpuSession?: InferenceSession): Promise<OpenedSession> {
  if (device !== 'cpu' && device !== 'gpu' && device !== 'auto')
    throw new DiscernError('INVALID_ARGUMENT', `device must be 'cpu', 'gpu' or 'auto', got ${JSON.stringify(device)}`, { device });
  if (device === 'cpu') return { session: cpuSession ?? (await open(bytes, 'cpu')), provider: 'cpu', attempts: [] };
  const attempts: ProviderAttempt[] = [];
  for (const provider of GPU_PROVIDERS) {
    if (provider === 'webgpu' && !vulkanLoaderFound()) {
      attempts.push({ provider, error: 'libvulkan.so.1 (the Vulkan loader) was not found; install a Vulkan loader and GPU driver (Debian: libvulkan1)' });
      continue;
    }
    try {
      return { session: await open(bytes, provider), provider, attempts };
    } catch (e) {
      attempts.push({ provider, error: firstLine(e) });
    }
  }
  const tried = attempts.map((a) => `${a.provider}: ${a.error}`).join('; ');
  if (device === 'gpu')
    throw new DiscernError(
      'DEVICE_UNAVAILABLE',
      `no GPU execution provider could run ${source}: tried ${tried}. CUDA needs onnxruntime-node installed with ONNXRUNTIME_NODE_INSTALL=cuda12 and an NVIDIA driver; WebGPU needs a Vulkan driver and a GPU. Use --device cpu or auto.`,
      { model: source, attempts },
    );
  return {
    session: cpuSession ?? (await open(bytes, 'cpu')),
    provider: 'cpu',
    notice: `no usable GPU (${attempts.map((a) => a.provider).join(', ')} failed), running on the CPU`,
    attempts,
  };
}
