import { readFileSync } from 'node:fs';
import { discernVersion } from '@discern/core';

const PACKAGES = ['core', 'linalg', 'data', 'models', 'metrics', 'decision', 'onnx', 'report', 'pipeline'] as const;

function readVersion(url: URL): string | undefined {
  try {
    return (JSON.parse(readFileSync(url, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Versions of the platform and of every @discern package found beside this one, for manifests and lockfiles. */
export function environmentVersions(): Record<string, unknown> {
  const packages: Record<string, string> = {};
  for (const p of PACKAGES) {
    const v = readVersion(new URL(`../../${p}/package.json`, import.meta.url));
    if (v) packages[`@discern/${p}`] = v;
  }
  return { node: process.versions.node, platform: `${process.platform}-${process.arch}`, discern: discernVersion(), packages };
}
