import { readFileSync } from 'node:fs';

/**
 * discern's version: that of its packages, which are released together (read from this package's package.json, the
 * same from the sources and from dist/). Written into manifests, lockfiles and exported ONNX models.
 */
export function discernVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
