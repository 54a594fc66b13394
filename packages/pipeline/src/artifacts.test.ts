import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { ArtifactWriter } from './artifacts.js';

describe('ArtifactWriter: a run writes only inside its run folder', () => {
  it('refuses paths that leave the folder, with a coded error, and writes nothing', () => {
    const parent = mkdtempSync(join(tmpdir(), 'discern-artifacts-'));
    const dir = join(parent, 'run');
    const w = new ArtifactWriter(dir);
    for (const bad of ['../escape.txt', '/etc/passwd', 'models/../../escape.txt', '', '.', 'a/../../b']) {
      let err: unknown;
      try {
        w.write(bad, 'x');
      } catch (e) {
        err = e;
      }
      expect(isDiscernError(err), bad).toBe(true);
    }
    expect(readdirSync(parent)).toEqual([]);
    const rec = w.write('models/m.json', '{}\n');
    expect(rec).toEqual({ path: 'models/m.json', bytes: 3, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(readdirSync(dir)).toEqual(['models']);
    expect(readdirSync(join(dir, 'models'))).toEqual(['m.json']);
  });
});
