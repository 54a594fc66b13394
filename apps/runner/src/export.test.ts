import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, discern, tempDir } from './cli.test-helpers.js';

const CONFIGS = readdirSync(join(REPO, 'configs')).filter((f) => f.endsWith('.yaml')).sort();

describe('discern export from the model file alone (no --data): every model of every example config, at float32', () => {
  it('runs each config, exports each of its saved models, and each export passes its parity check', async () => {
    expect(CONFIGS.length).toBeGreaterThanOrEqual(15);
    const exported: string[] = [];
    // Two configs at a time: the test has the two cores of a CI machine.
    const queue = [...CONFIGS];
    const worker = async () => {
      for (let config = queue.shift(); config !== undefined; config = queue.shift()) {
        const out = tempDir();
        const run = await discern(['-q', 'run', join('configs', config), '--out', out]);
        expect(run.code, `${config}: ${run.stderr}`).toBe(0);
        // gaussian-neyman-pearson fits no model: its tests are analytic
        const models = existsSync(join(out, 'models')) ? readdirSync(join(out, 'models')).filter((f) => f.endsWith('.json')) : [];
        for (const m of models) {
          const onnx = join(tempDir(), `${basename(m, '.json')}.onnx`);
          const r = await discern(['export', join(out, 'models', m), '--out', onnx]);
          expect(r.code, `${config} ${m}: ${r.stderr}`).toBe(0);
          expect(r.stdout).toMatch(/\(float32\).*parity on \d+ rows \(its training summary\)/);
          exported.push(`${config} ${m}`);
        }
      }
    };
    await Promise.all([worker(), worker()]);
    console.log(`exported from the model file alone: ${exported.length} models of ${CONFIGS.length} configs`);
    expect(exported.length).toBeGreaterThanOrEqual(CONFIGS.length);
  }, 600_000);
});
