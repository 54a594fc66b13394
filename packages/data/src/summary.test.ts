import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDataset } from './dataset.js';
import { parseCsv, readCsvFile } from './csv/parse.js';
import { describeTable, summary } from './summary.js';
import { hashFile, hashFileSync, hashTable } from './hash.js';
import { dataFile, discernError, discernErrorAsync } from './testing.test-helpers.js';

describe('summary', () => {
  it('counts classes, weighted and unweighted', () => {
    const t = parseCsv('x,w,c\n1,2,a\n2,-0.5,b\n3,1,b\n4,0.25,a\n5,1,b\n', { source: 's.csv' });
    const s = summary(buildDataset(t, { label: 'c', weight: 'w', positive: 'a' }));
    expect(s).toEqual({
      source: 's.csv',
      rows: 5,
      features: 1,
      featureNames: ['x'],
      classes: [
        { name: 'b', index: 0, count: 3, weight: 1.5, fraction: 0.6 },
        { name: 'a', index: 1, count: 2, weight: 2.25, fraction: 0.4 },
      ],
      positive: 'a',
      weighted: true,
      totalWeight: 3.75,
      negativeWeights: 1,
    });
  });
  it('magic04: 12,332 gamma and 6,688 hadron events (README)', () => {
    const s = summary(buildDataset(readCsvFile(dataFile('magic04.csv')), { label: 'class', positive: 'g' }));
    expect(s.classes.map((c) => [c.name, c.count, c.weight])).toEqual([
      ['h', 6688, 6688],
      ['g', 12332, 12332],
    ]);
    expect(s.weighted).toBe(false);
  });
});

describe('describeTable', () => {
  it('guesses the label and shows the class balance', () => {
    const d = describeTable(readCsvFile(dataFile('iris.csv')));
    expect(d.suggestedLabel).toBe('label');
    expect(d.classBalance!.map((v) => [v.value, v.count])).toEqual([
      ['setosa', 50],
      ['versicolor', 50],
      ['virginica', 50],
    ]);
    const sl = d.columns[0]!;
    expect(sl).toMatchObject({ name: 'sepal_length', kind: 'numeric', missing: 0, integerValued: false, labelCandidate: false, min: 4.3, max: 7.9 });
    expect(sl.distinct).toBe(35);
  });
  it('counts missing values and finds a categorical label by name', () => {
    const d = describeTable(readCsvFile(dataFile('house-votes-84.csv')));
    expect(d.suggestedLabel).toBe('Class');
    expect(d.classBalance!.map((v) => [v.value, v.count])).toEqual([
      ['democrat', 267],
      ['republican', 168],
    ]);
    const v = d.columns[1]!;
    expect(v).toMatchObject({ kind: 'categorical', distinct: 2, missing: 12, labelCandidate: true });
  });
  it('faithful has no label candidate; integer-valued columns with few values are candidates', () => {
    expect(describeTable(readCsvFile(dataFile('faithful.csv'))).suggestedLabel).toBeUndefined();
    const d = describeTable(parseCsv('a,b,k\n1.5,1,x\n2.5,2,y\n3.5,1,x\n4.5,1.0,NaN\n'));
    expect(d.columns.map((c) => [c.name, c.integerValued, c.distinct, c.labelCandidate])).toEqual([
      ['a', false, 4, false],
      ['b', true, 2, true],
      ['k', false, 3, true],
    ]);
    expect(d.suggestedLabel).toBe('k');
  });
});

describe('hashing', () => {
  it('hashFile and hashFileSync are the SHA-256 of the bytes', async () => {
    const path = dataFile('iris.csv');
    const want = createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(await hashFile(path)).toBe(want);
    expect(hashFileSync(path)).toBe(want);
    expect((await discernErrorAsync(() => hashFile('/no/such.csv'))).code).toBe('FILE_NOT_FOUND');
    expect(discernError(() => hashFileSync('/no/such.csv')).code).toBe('FILE_NOT_FOUND');
  });
  it('hashTable depends on content, not on how the file was written', () => {
    const a = hashTable(parseCsv('a,b\n1,x\n,y\n'));
    expect(hashTable(parseCsv('\uFEFF"a";b\r\n 1 ;"x"\r\nNA;y\r\n'))).toBe(a);
    expect(hashTable(parseCsv('a,b\n1,x\n0,y\n'))).not.toBe(a);
    expect(hashTable(parseCsv('a,b\n1,x\n"",y\n', { missingValues: ['NA'] }))).not.toBe(a); // '' is text here, not missing
    expect(hashTable(parseCsv('ab\n1x\n'))).not.toBe(hashTable(parseCsv('a,b\n1,x\n')));
  });
});
