import { readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, REPO, discern, expectUserError, tempDir } from './cli.test-helpers.js';

const CSVS = [
  ...readdirSync(DATA).filter((f) => f.endsWith('.csv')).map((f) => join(DATA, f)),
  ...readdirSync(join(REPO, 'data')).filter((f) => f.endsWith('.csv')).map((f) => join(REPO, 'data', f)),
];

describe('discern init', () => {
  it('writes a starter config that validates, for every CSV in ../shared/data and data/', async () => {
    expect(CSVS.length).toBeGreaterThanOrEqual(8);
    const dir = tempDir();
    for (const csv of CSVS) {
      const out = join(dir, `${csv.split('/').pop()!.replace('.csv', '')}.yaml`);
      const r = await discern(['init', csv, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^wrote .*\.yaml: \d+ rows, \d+ features, /);
      const v = await discern(['validate', out]);
      expect(v.code, `${csv}: ${v.stderr}`).toBe(0);
      const text = readFileSync(out, 'utf8');
      // comments explain the keys
      for (const key of ['name:', 'seed:', 'source:', 'features:', 'split:', 'steps:']) expect(text).toMatch(new RegExp(`^\\s*(- )?${key}.*#|#.*\\n\\s*${key}`, 'm'));
    }
  });

  it('shows the class balance of the label candidates and picks the rarer class as positive', async () => {
    const out = join(tempDir(), 'magic.yaml');
    expect((await discern(['init', join(DATA, 'magic04.csv'), '--out', out])).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('#   class: g 12332 (64.8 %), h 6688 (35.2 %)');
    expect(text).toMatch(/^ {2}label: class\b/m);
    expect(text).toMatch(/^ {2}positive: h$/m);
    expect(text).toContain('features: [fLength, fWidth, fSize, fConc, fConc1, fAsym, fM3Long, fM3Trans, fAlpha, fDist]');
    // The data path is written relative to the config's folder, and leads to the file wherever the clone and
    // ../shared sit (the test's temporary folder and the data may be anywhere).
    const written = /^ {2}source: (.+?) +# /m.exec(text)?.[1];
    const source = written?.startsWith('"') ? (JSON.parse(written) as string) : written;
    expect(source).toBe(relative(dirname(out), join(DATA, 'magic04.csv')).split(sep).join('/'));
    expect(realpathSync(resolve(dirname(out), source!))).toBe(realpathSync(join(DATA, 'magic04.csv')));
  });

  it('handles categorical features with missing cells, a weight column, and data without a label; the configs run', async () => {
    const dir = tempDir();
    const votes = join(dir, 'votes.yaml');
    expect((await discern(['init', join(DATA, 'house-votes-84.csv'), '--out', votes])).code).toBe(0);
    expect(readFileSync(votes, 'utf8')).toMatch(/categorical: onehot[\s\S]*missing: drop/);
    const photon = join(dir, 'photon.yaml');
    expect((await discern(['init', join(REPO, 'data', 'photon-jet.csv'), '--out', photon])).code).toBe(0);
    expect(readFileSync(photon, 'utf8')).toMatch(/^ {2}weight: weight\b/m);
    expect(readFileSync(photon, 'utf8')).toContain('features: [hoe, sieie, iso, pt]');
    const faithful = join(dir, 'faithful.yaml');
    const f = await discern(['init', join(DATA, 'faithful.csv'), '--out', faithful]);
    expect(f.stdout).toContain('no label (clustering)');
    for (const cfg of [votes, faithful]) {
      const r = await discern(['run', cfg, '--out', tempDir(), '--json']);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('--label picks the class column; an unknown one is a coded error', async () => {
    const out = join(tempDir(), 'iris.yaml');
    expect((await discern(['init', join(DATA, 'iris.csv'), '--out', out, '--label', 'label'])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('3 classes: a multinomial (softmax) model');
    const r = await discern(['init', join(DATA, 'iris.csv'), '--out', join(tempDir(), 'x.yaml'), '--label', 'species']);
    expectUserError(r, 'DATA_INVALID');
    expect(r.stderr).toContain("'species'");
  });

  it('refuses to overwrite a file unless --force', async () => {
    const out = join(tempDir(), 'mine.yaml');
    writeFileSync(out, 'precious: true\n');
    expectUserError(await discern(['init', join(DATA, 'iris.csv'), '--out', out]), 'OUTPUT_EXISTS');
    expect(readFileSync(out, 'utf8')).toBe('precious: true\n');
    expect((await discern(['init', join(DATA, 'iris.csv'), '--out', out, '--force'])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('label: label');
    expectUserError(await discern(['init', join(DATA, 'nope.csv'), '--out', join(tempDir(), 'n.yaml')]), 'FILE_NOT_FOUND');
  });
});
