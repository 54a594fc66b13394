import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiscernError } from '@discern/core';
import { renderSpec, type RenderOptions, type VegaLiteSpec } from './render.js';
import { invalid } from './validate.js';

export interface WrittenPlot {
  svg: string;
  png: string;
  spec: string;
}

/** A plot name becomes three file names, so it may not climb out of the folder or hide a file. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Renders `spec` and writes `<name>.svg`, `<name>.png` and `<name>.vl.json` into `dir` (created if
 * missing). Each file is written to a temporary file in the same folder and renamed, so a reader never
 * sees a half-written plot, and an interrupted run leaves either the old file or the new one.
 */
export async function writePlot(dir: string, name: string, spec: VegaLiteSpec, options: RenderOptions = {}): Promise<WrittenPlot> {
  if (!NAME_PATTERN.test(name)) {
    throw invalid(`plot name must be letters, digits, '.', '_' or '-' (not starting with '.' or '-'); got ${JSON.stringify(name)}`, { name });
  }
  const { svg, png } = await renderSpec(spec, options);
  const paths: WrittenPlot = { svg: join(dir, `${name}.svg`), png: join(dir, `${name}.png`), spec: join(dir, `${name}.vl.json`) };
  try {
    await mkdir(dir, { recursive: true });
    await atomicWrite(paths.svg, svg);
    await atomicWrite(paths.png, png);
    await atomicWrite(paths.spec, `${JSON.stringify(spec, null, 2)}\n`);
  } catch (e) {
    if (e instanceof DiscernError) throw e;
    throw new DiscernError('IO_ERROR', `cannot write plot "${name}" to ${dir}: ${e instanceof Error ? e.message : String(e)}`, { dir, name }, { cause: e });
  }
  return paths;
}

let counter = 0;

export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
