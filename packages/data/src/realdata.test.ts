import { readFileSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvFile } from './csv/parse.js';
import { buildDataset } from './dataset.js';
import { dataFile } from './testing.test-helpers.js';

// Row counts and label columns from ../shared/data/README.md, parsed from its table so a new file is covered too.
const dir = dirname(dataFile('README.md'));
const readme = readFileSync(dataFile('README.md'), 'utf8');
const documented = new Map<string, { rows: number; label: string | null }>();
for (const line of readme.split('\n')) {
  const m = /^\| `([^`]+\.csv)` \| ([\d,]+) \| [^|]+ \| (?:`([^`]+)`|none)/.exec(line);
  if (m) documented.set(m[1]!, { rows: Number(m[2]!.replace(/,/g, '')), label: m[3] ?? null });
}

describe('the shared data sets', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv'));
  it('every CSV is documented in the README', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(files.filter((f) => !documented.has(f))).toEqual([]);
  });
  for (const f of files) {
    it(`${f}: reads with the README's row count and builds a dataset`, () => {
      const doc = documented.get(f)!;
      const t = readCsvFile(dataFile(f));
      expect(t.nRows).toBe(doc.rows);
      const ds = buildDataset(t, {
        ...(doc.label ? { label: doc.label } : {}),
        ...(f === 'house-votes-84.csv' ? { categorical: 'onehot' as const, missing: 'keep' as const } : {}),
      });
      expect(ds.X.rows).toBe(doc.rows);
      if (doc.label) expect(ds.classNames.length).toBeGreaterThanOrEqual(2);
      else expect(ds.classNames).toEqual([]);
    });
  }
  it('feature counts and classes match the README', () => {
    const ds = (f: string, label?: string) => buildDataset(readCsvFile(dataFile(f)), label ? { label } : {});
    expect(ds('magic04.csv', 'class').X.cols).toBe(10);
    expect(ds('iris.csv', 'label').classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds('breast_cancer.csv', 'label').X.cols).toBe(30);
    const digits = ds('digits.csv', 'label');
    expect(digits.X.cols).toBe(64);
    expect(digits.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(ds('faithful.csv').featureNames).toEqual(['eruptions', 'waiting']);
    const votes = buildDataset(readCsvFile(dataFile('house-votes-84.csv')), { label: 'Class', categorical: 'onehot', missing: 'keep' });
    expect(votes.X.cols).toBe(32);
    expect(votes.featureNames[0]).toBe('handicapped-infants=n');
  });
});
