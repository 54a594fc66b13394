import { once } from 'node:events';
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A seeded generator of large CSV files for the memory tests (never committed: made on demand into the temp folder).
 * Two classes, signal `s` and background `b`, in four features: x1..x3 Gaussian with shifted means (signal +0.8σ),
 * x4 uniform noise; one row in four is signal. The same seed and row count give the same bytes.
 */
export const LARGE_COLUMNS = ['x1', 'x2', 'x3', 'x4', 'label'] as const;

/** Writes `rows` rows to `path` (atomically: a temporary file renamed into place). */
export async function writeLargeCsv(path: string, rows: number, seed = 1): Promise<void> {
  // Imported as the runner imports every discern library, on demand (nx's module boundaries want one way).
  const { createRng } = await import('@discern/linalg');
  const rng = createRng(seed);
  const rand = () => rng.uniform();
  const gauss = () => rng.normal();
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`${LARGE_COLUMNS.join(',')}\n`);
  const CHUNK = 10_000;
  for (let start = 0; start < rows; start += CHUNK) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + CHUNK); i++) {
      const signal = rand() < 0.25;
      const m = signal ? 0.8 : 0;
      lines.push(`${(m + gauss()).toFixed(5)},${(m + gauss()).toFixed(5)},${(m / 2 + gauss()).toFixed(5)},${rand().toFixed(5)},${signal ? 's' : 'b'}`);
    }
    await write(`${lines.join('\n')}\n`);
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  renameSync(tmp, path);
}

/** The file for `rows` rows and `seed` in the temp folder, made once and reused by later tests and runs. */
export async function largeCsv(rows: number, seed = 1): Promise<string> {
  const path = join(tmpdir(), `discern-large-v2-${rows}-${seed}.csv`);
  if (!existsSync(path) || statSync(path).size === 0) await writeLargeCsv(path, rows, seed);
  return path;
}
