import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyPlot } from './plots/history.js';
import { writePlot } from './write.js';
import { PNG_SIGNATURE } from './__tests__/helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spec = historyPlot({ yTitle: 'Loss (log loss)', series: [{ name: 'Training', values: [0.7, 0.5, 0.4] }] });

describe('writePlot', () => {
  it('writes the SVG, the PNG and the Vega-Lite spec, and no temporary files remain', async () => {
    const sub = join(dir, 'plots');
    const paths = await writePlot(sub, 'loss', spec);
    expect((await readdir(sub)).sort()).toEqual(['loss.png', 'loss.svg', 'loss.vl.json']);
    expect(paths.png).toBe(join(sub, 'loss.png'));
    expect([...(await readFile(paths.png)).subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(await readFile(paths.svg, 'utf8')).toContain('Loss (log loss)');
    expect(JSON.parse(await readFile(paths.spec, 'utf8'))).toEqual(JSON.parse(JSON.stringify(spec)));
  });

  it('replaces an existing plot', async () => {
    await writePlot(dir, 'loss', spec);
    const other = historyPlot({ yTitle: 'Mean log-likelihood', series: [{ name: 'EM', values: [-3, -2] }] });
    await writePlot(dir, 'loss', other);
    expect(await readFile(join(dir, 'loss.svg'), 'utf8')).toContain('Mean log-likelihood');
    expect((await readdir(dir)).length).toBe(3);
  });

  it('rejects names that would leave the folder or hide the file', async () => {
    for (const bad of ['../x', 'a/b', '', '.hidden', '-x']) {
      await expect(writePlot(dir, bad, spec)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });

  it('reports an unwritable folder as IO_ERROR', async () => {
    // A folder below a regular file can never be created.
    await writePlot(dir, 'loss', spec);
    await expect(writePlot(join(dir, 'loss.png', 'sub'), 'x', spec)).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});
