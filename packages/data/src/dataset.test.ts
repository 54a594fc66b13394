import { describe, expect, it } from 'vitest';
import { buildDataset } from './dataset.js';
import { parseCsv } from './csv/parse.js';
import { tableFromRecords } from './table.js';
import { discernError } from './testing.test-helpers.js';

const csv = (text: string) => parseCsv(text, { source: 'd.csv' });

describe('buildDataset: labels and classes', () => {
  const t = csv('x,y,class\n1,2,h\n3,4,g\n5,6,g\n7,8,h\n9,10,g\n');

  it('orders string classes like numpy.unique and builds X row-major', () => {
    const ds = buildDataset(t, { label: 'class' });
    expect(ds.classNames).toEqual(['g', 'h']);
    expect(Array.from(ds.y)).toEqual([1, 0, 0, 1, 0]);
    expect(ds.featureNames).toEqual(['x', 'y']);
    expect([ds.X.rows, ds.X.cols]).toEqual([5, 2]);
    expect(Array.from(ds.X.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(ds.positive).toBeUndefined();
    expect(ds.source).toBe('d.csv');
    expect(ds.label).toBe('class');
  });

  it('puts the positive class at index 1', () => {
    const g = buildDataset(t, { label: 'class', positive: 'g' });
    expect(g.classNames).toEqual(['h', 'g']);
    expect(g.positive).toBe(1);
    expect(Array.from(g.y)).toEqual([0, 1, 1, 0, 1]);
    const h = buildDataset(t, { label: 'class', positive: 'h' });
    expect(h.classNames).toEqual(['g', 'h']);
    expect(Array.from(h.y)).toEqual([1, 0, 0, 1, 0]);
  });

  it('orders numeric labels numerically (10 after 9), and matches 1.0 to 1', () => {
    const n = csv('x,label\n0,10\n1,9\n2,2\n3,1.0\n4,1\n');
    const ds = buildDataset(n, { label: 'label' });
    expect(ds.classNames).toEqual(['1', '2', '9', '10']);
    expect(Array.from(ds.y)).toEqual([3, 2, 1, 0, 0]);
    const s = csv('x,label\n0,b10\n1,b9\n2,a\n');
    expect(buildDataset(s, { label: 'label' }).classNames).toEqual(['a', 'b10', 'b9']);
    const p = buildDataset(csv('x,label\n0,0\n1,1\n2,1\n'), { label: 'label', positive: '1.0' });
    expect(p.classNames).toEqual(['0', '1']);
    expect(p.positive).toBe(1);
  });

  it('an unknown label column is LABEL_INVALID with the columns and a suggestion', () => {
    const e = discernError(() => buildDataset(t, { label: 'Clas' }));
    expect(e.code).toBe('LABEL_INVALID');
    expect(e.message).toBe("label column 'Clas' (label) is not in d.csv (did you mean 'class'?); available columns: 'x', 'y', 'class'");
    // said in the pipeline's terms
    expect(e.renamed({ option: (o) => `data.${o}` }).message).toContain("label column 'Clas' (data.label) is not in d.csv");
    expect(e.context).toMatchObject({ option: 'label', column: 'Clas', suggestion: 'class' });
    expect(e.context).toMatchObject({ suggestion: 'class', available: ['x', 'y', 'class'] });
  });

  it('a positive class that does not occur is LABEL_INVALID listing the classes', () => {
    const e = discernError(() => buildDataset(t, { label: 'class', positive: 'gamma' }));
    expect(e.code).toBe('LABEL_INVALID');
    expect(e.message).toBe(`positive class "gamma" (positive) does not occur in column 'class' of d.csv; classes found: 'g', 'h'`);
  });

  it('one class only is LABEL_INVALID', () => {
    const e = discernError(() => buildDataset(csv('x,class\n1,g\n2,g\n'), { label: 'class' }));
    expect(e.code).toBe('LABEL_INVALID');
    expect(e.message).toBe(`only one class, "g", in d.csv (label column 'class'); a classifier needs at least two (is label the right column?)`);
  });

  it('positive with more than two classes needs binarize', () => {
    const three = csv('x,c\n1,a\n2,b\n3,c\n4,b\n');
    const e = discernError(() => buildDataset(three, { label: 'c', positive: 'b' }));
    expect(e.code).toBe('LABEL_INVALID');
    expect(e.message).toContain("has 3 classes ('a', 'b', 'c'); set binarize: true");
    const ds = buildDataset(three, { label: 'c', positive: 'b', binarize: true });
    expect(ds.classNames).toEqual(['not-b', 'b']);
    expect(ds.positive).toBe(1);
    expect(Array.from(ds.y)).toEqual([0, 1, 0, 1]);
    // a second file encoded with those classes (as a pipeline does for its test file) is binarized alike
    const test = buildDataset(csv('x,c\n5,c\n6,b\n7,a\n'), { label: 'c', positive: 'b', binarize: true, classes: ds.classNames });
    expect(test.classNames).toEqual(['not-b', 'b']);
    expect(Array.from(test.y)).toEqual([0, 1, 0]);
  });

  it('explicit classes fix the order; a label outside them is LABEL_INVALID with its line', () => {
    const ds = buildDataset(t, { label: 'class', classes: ['h', 'g'] });
    expect(ds.classNames).toEqual(['h', 'g']);
    expect(Array.from(ds.y)).toEqual([0, 1, 1, 0, 1]);
    const e = discernError(() => buildDataset(t, { label: 'class', classes: ['g', 'x'] }));
    expect(e.code).toBe('LABEL_INVALID');
    expect(e.message).toBe(`d.csv line 2: label "h" in column 'class' of d.csv is not one of the classes 'g', 'x' (classes, from the training data)`);
    // a test file may hold a single class when the classes come from the training set
    expect(buildDataset(csv('x,class\n1,g\n'), { label: 'class', classes: ['h', 'g'], positive: 'g' }).positive).toBe(1);
    expect(discernError(() => buildDataset(t, { label: 'class', classes: ['g', 'h'], positive: 'g' })).message).toContain('must come second');
  });

  it('a missing label names the line; missing: drop drops the row, keep does not keep it', () => {
    const m = csv('x,class\n1,g\n2,NA\n3,h\n');
    const e = discernError(() => buildDataset(m, { label: 'class' }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("d.csv line 3: missing label in column 'class'");
    expect(discernError(() => buildDataset(m, { label: 'class', missing: 'keep' })).context).toMatchObject({ line: 3 });
    const ds = buildDataset(m, { label: 'class', missing: 'drop' });
    expect(Array.from(ds.X.data)).toEqual([1, 3]);
    expect(Array.from(ds.rowIndex!)).toEqual([0, 2]);
  });

  it('unlabelled data has no classes and y = -1', () => {
    const ds = buildDataset(csv('a,b\n1,2\n3,4\n'));
    expect(ds.classNames).toEqual([]);
    expect(Array.from(ds.y)).toEqual([-1, -1]);
    expect(ds.featureNames).toEqual(['a', 'b']);
    expect(discernError(() => buildDataset(csv('a,b\n1,2\n'), { positive: 'x' })).code).toBe('INVALID_ARGUMENT');
  });
});

describe('buildDataset: features', () => {
  it('defaults to every numeric column but label and weight', () => {
    const t = csv('id,a,w,b,class\nx,1,0.5,2,g\ny,3,-1.5,4,h\n');
    const ds = buildDataset(t, { label: 'class', weight: 'w' });
    expect(ds.featureNames).toEqual(['a', 'b']);
    expect(Array.from(ds.weights!)).toEqual([0.5, -1.5]);
  });

  it('named features come in the given order; unknown ones list the columns', () => {
    const t = csv('a,b,c,class\n1,2,3,g\n4,5,6,h\n');
    const ds = buildDataset(t, { label: 'class', features: ['c', 'a'] });
    expect(Array.from(ds.X.data)).toEqual([3, 1, 6, 4]);
    const e = discernError(() => buildDataset(t, { label: 'class', features: ['a', 'bb'] }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toBe("feature column 'bb' (in features) is not in d.csv (did you mean 'b'?); available columns: 'a', 'b', 'c', 'class'");
    expect(discernError(() => buildDataset(t, { label: 'class', features: ['a', 'class'] })).message).toContain("'class' is the label column");
    expect(discernError(() => buildDataset(t, { label: 'class', features: ['a', 'a'] })).message).toContain('listed twice');
  });

  it('a typo in an otherwise numeric column names file, line, column and value', () => {
    const rows = ['alpha,class', ...Array.from({ length: 30 }, (_, i) => `${i / 10},${i % 2 ? 'g' : 'h'}`)];
    rows[15] = '0.o5,g'; // line 16 of the file
    const t = csv(rows.join('\n'));
    for (const opts of [{ features: ['alpha'] }, {}]) {
      const e = discernError(() => buildDataset(t, { label: 'class', ...opts }));
      expect(e.code).toBe('DATA_INVALID');
      expect(e.message).toContain(`d.csv line 16, column 'alpha': "0.o5" is not a number, and the column is otherwise numeric (1 such cell); fix the value, add it to missingValues if it means "missing", or set categorical: 'codes' or 'onehot'`);
      expect(e.renamed({ option: (o) => (o === 'missingValues' ? 'data.missing_values' : `data.${o}`) }).message).toContain(
        'add it to data.missing_values if it means "missing", or set data.categorical:',
      );
      expect(e.context).toMatchObject({ file: 'd.csv', line: 16, column: 'alpha', value: '0.o5' });
    }
    // codes turn it into categories instead
    const ds = buildDataset(t, { label: 'class', features: ['alpha'], categorical: 'codes' });
    expect(ds.X.cols).toBe(1);
  });

  it('a NaN or inf literal in a feature is DATA_INVALID, never silently missing', () => {
    const t = csv('a,b,class\n1,2,g\nNaN,3,h\n4,inf,g\n');
    const e = discernError(() => buildDataset(t, { label: 'class' }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toBe(`d.csv line 3, column 'a': non-finite value "NaN"; every feature value must be a finite number (write a missing value as an empty cell or NA)`);
    expect(discernError(() => buildDataset(t, { label: 'class', features: ['b'], missing: 'keep' })).context).toMatchObject({ line: 4, column: 'b', value: 'inf' });
    // a column that is not used does not matter
    expect(buildDataset(csv('a,b,class\n1,NaN,g\n2,3,h\n'), { label: 'class', features: ['a'] }).X.cols).toBe(1);
  });

  it('missing features: error names line and column, drop drops, keep leaves NaN', () => {
    const t = csv('a,b,class\n1,2,g\n3,,h\nNA,6,g\n7,8,h\n');
    const e = discernError(() => buildDataset(t, { label: 'class' }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("d.csv line 3: missing value in column 'b'");
    expect(e.context).toMatchObject({ line: 3, column: 'b' });
    const dropped = buildDataset(t, { label: 'class', missing: 'drop' });
    expect(Array.from(dropped.X.data)).toEqual([1, 2, 7, 8]);
    expect(Array.from(dropped.y)).toEqual([0, 1]);
    const kept = buildDataset(t, { label: 'class', missing: 'keep' });
    expect(kept.X.data[3]).toBeNaN();
    expect(kept.X.data[4]).toBeNaN();
    expect(kept.X.rows).toBe(4);
    const all = csv('a,class\nNA,g\nNA,h\n');
    expect(discernError(() => buildDataset(all, { label: 'class', missing: 'drop' })).message).toContain('no rows left');
  });

  it('categorical features: error, codes (sorted, NaN when missing) or onehot (col=value)', () => {
    const t = csv('color,size,class\nred,1,g\nblue,2,h\n?,3,g\nred,4,h\n');
    const e = discernError(() => buildDataset(t, { label: 'class', features: ['color', 'size'] }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("feature column 'color' of d.csv is categorical (2 values: 'blue', 'red')");
    // by default a categorical column is simply not a feature
    expect(buildDataset(t, { label: 'class', missing: 'keep' }).featureNames).toEqual(['size']);
    const codes = buildDataset(t, { label: 'class', categorical: 'codes', missing: 'keep' });
    expect(codes.featureNames).toEqual(['color', 'size']);
    expect(Array.from(codes.X.data)).toEqual([1, 1, 0, 2, NaN, 3, 1, 4]);
    expect(discernError(() => buildDataset(t, { label: 'class', categorical: 'codes' })).context).toMatchObject({ line: 4, column: 'color' });
    const onehot = buildDataset(t, { label: 'class', categorical: 'onehot', missing: 'drop' });
    expect(onehot.featureNames).toEqual(['color=blue', 'color=red', 'size']);
    expect(Array.from(onehot.X.data)).toEqual([0, 1, 1, 1, 0, 2, 0, 1, 4]);
    expect(onehot.encodings).toEqual([
      { column: 'color', kind: 'onehot', categories: ['blue', 'red'] },
      { column: 'size', kind: 'numeric' },
    ]);
  });

  it('encodings from a training set encode a test file alike; unseen categories are errors', () => {
    const train = buildDataset(csv('c,x,class\na,1,g\nb,2,h\n'), { label: 'class', categorical: 'onehot' });
    const test = buildDataset(csv('x,c,class\n5,b,g\n6,b,h\n'), { label: 'class', encodings: train.encodings!, classes: train.classNames });
    expect(test.featureNames).toEqual(train.featureNames);
    expect(Array.from(test.X.data)).toEqual([0, 1, 5, 0, 1, 6]);
    const e = discernError(() => buildDataset(csv('x,c,class\n5,z,g\n'), { label: 'class', encodings: train.encodings!, classes: train.classNames }));
    expect(e.message).toContain(`d.csv line 2, column 'c': category "z" was not seen`);
  });

  it('weights: must be numbers and finite, may be negative; missing weights are never kept', () => {
    const bad = csv('a,w,class\n1,x,g\n2,1,h\n');
    expect(discernError(() => buildDataset(bad, { label: 'class', weight: 'w' })).message).toContain(`weight column 'w' has a non-number "x"`);
    const inf = csv('a,w,class\n1,inf,g\n2,1,h\n');
    expect(discernError(() => buildDataset(inf, { label: 'class', weight: 'w' })).context).toMatchObject({ line: 2, column: 'w', value: 'inf' });
    const miss = csv('a,w,class\n1,,g\n2,1,h\n3,2,g\n');
    expect(discernError(() => buildDataset(miss, { label: 'class', weight: 'w', missing: 'keep' })).message).toContain("missing weight in column 'w'");
    expect(Array.from(buildDataset(miss, { label: 'class', weight: 'w', missing: 'drop' }).weights!)).toEqual([1, 2]);
    expect(discernError(() => buildDataset(miss, { label: 'class', weight: 'wt' })).message).toContain("(did you mean 'w'?)");
  });

  it('inline rows (a NAND truth table) build like a file', () => {
    const nand = tableFromRecords(
      [
        [0, 0, 1],
        [0, 1, 1],
        [1, 0, 1],
        [1, 1, 0],
      ],
      ['a', 'b', 'out'],
    );
    const ds = buildDataset(nand, { label: 'out', positive: '1' });
    expect(ds.classNames).toEqual(['0', '1']);
    expect(Array.from(ds.y)).toEqual([1, 1, 1, 0]);
    expect(Array.from(ds.X.data)).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
    const objs = tableFromRecords([
      { a: 1.5, ok: true, name: ' x ' },
      { a: null, ok: false, name: 'NA' },
    ]);
    expect(objs.columns.map((c) => [c.name, c.kind, c.raw])).toEqual([
      ['a', 'numeric', ['1.5', null]],
      ['ok', 'categorical', ['true', 'false']],
      ['name', 'categorical', ['x', null]],
    ]);
    const e = discernError(() => buildDataset(tableFromRecords([{ a: 1, c: 'g' }, { a: Number.NaN, c: 'h' }]), { label: 'c' }));
    expect(e.message).toBe(`inline rows, row 2, column 'a': non-finite value "NaN"; every feature value must be a finite number (write a missing value as an empty cell or NA)`);
    expect(discernError(() => tableFromRecords([[1, 2]], ['a'])).message).toContain('row 1 has 2 values, expected 1');
    expect(discernError(() => tableFromRecords([{ a: 1 }], ['b'])).message).toContain("value for 'a'");
    expect(discernError(() => tableFromRecords([])).message).toContain('no data rows');
    expect(discernError(() => tableFromRecords([[1]])).code).toBe('INVALID_ARGUMENT');
  });
});
