import { describe, expect, it } from 'vitest';
import { DiscernError, interruptedError, isDiscernError, quote } from './errors.js';

describe('DiscernError', () => {
  it('a template message is said in the library terms by default and in the user terms after renamed()', () => {
    const e = new DiscernError('DATA_INVALID', (n) => `weight at ${n.row(3)} of ${n.feature(1)} is NaN; set ${n.option('regParam')}`, { row: 3, feature: 1, option: 'regParam' });
    expect(e.message).toBe('weight at row 3 of feature 1 is NaN; set regParam');
    expect(e.renamable).toBe(true);
    const r = e.renamed({ row: (i) => `iris.csv line ${i + 2}`, feature: (j) => `column ${['a', 'petal_length'][j]}`, option: (o) => `steps[1].fit.${o === 'regParam' ? 'reg_param' : o}` }, { file: 'iris.csv' });
    expect(r.message).toBe('weight at iris.csv line 5 of column petal_length is NaN; set steps[1].fit.reg_param');
    expect(r.code).toBe('DATA_INVALID');
    expect(r.context).toMatchObject({ row: 3, feature: 1, file: 'iris.csv' });
    // renaming only the rows keeps the default for the rest
    expect(e.renamed({ row: () => 'line 9' }).message).toBe('weight at line 9 of feature 1 is NaN; set regParam');
  });
  it('a plain message is kept by renamed(); prefixed() keeps the template', () => {
    const plain = new DiscernError('IO_ERROR', 'cannot read x');
    expect(plain.renamable).toBe(false);
    expect(plain.renamed({ row: () => 'zzz' }).message).toBe('cannot read x');
    const t = new DiscernError('DATA_INVALID', (n) => `${n.row(0)} is bad`);
    const p = t.prefixed('step 2 (fit): ', { step: 'fit' });
    expect(p.message).toBe('step 2 (fit): row 0 is bad');
    expect(p.renamed({ row: () => 'a.csv line 2' }).message).toBe('step 2 (fit): a.csv line 2 is bad');
    expect(p.context).toMatchObject({ step: 'fit' });
  });
  it('prefixed() of a renamed error keeps the names it was said in (not the defaults); weights are named too', () => {
    const e = new DiscernError('DATA_INVALID', (n) => `${n.weights('the event weights')} of ${n.row(2)} sum to 0`);
    expect(e.message).toBe('the event weights of row 2 sum to 0');
    const r = e.renamed({ row: () => 'a.csv line 4', weights: (w) => `${w} (data.weight "w", c.yaml:7:11)` });
    expect(r.prefixed('step 1 (fit): ').message).toBe('step 1 (fit): the event weights (data.weight "w", c.yaml:7:11) of a.csv line 4 sum to 0');
  });
  it('renamed() twice: the second naming adds to the first (rows named by a step, options by the pipeline), through prefixed() too', () => {
    const e = new DiscernError('DATA_INVALID', (n) => `${n.row(1)} is bad; set ${n.option('regParam')}`);
    const rows = { row: (i: number) => `a.csv line ${i + 2}` };
    const options = { option: (o: string) => `steps[0].fit.${o === 'regParam' ? 'reg_param' : o}` };
    const want = 'a.csv line 3 is bad; set steps[0].fit.reg_param';
    expect(e.renamed(rows).renamed(options).message).toBe(want);
    expect(e.renamed(options).renamed(rows).message).toBe(want);
    expect(e.renamed(rows).prefixed('step 1 (fit): ').renamed(options).message).toBe(`step 1 (fit): ${want}`);
    // a later naming of the same kind wins
    expect(e.renamed(rows).renamed({ row: () => 'b.csv line 9' }).message).toBe('b.csv line 9 is bad; set regParam');
  });
  it('crosses a thread or process boundary as plain data (functions and huge strings dropped or shortened)', () => {
    const e = new DiscernError('CONFIG_INVALID', 'bad', { file: 'a.yaml', line: 3, fn: () => 1, big: 'x'.repeat(10_000), list: [1, 'a'] });
    const j = JSON.parse(JSON.stringify(e.toJSON())) as Parameters<typeof DiscernError.fromJSON>[0];
    const back = DiscernError.fromJSON(j);
    expect(isDiscernError(back)).toBe(true);
    expect(back.format()).toBe('CONFIG_INVALID: bad');
    expect(back.context).toMatchObject({ file: 'a.yaml', line: 3, list: [1, 'a'] });
    expect(back.context.fn).toBeUndefined();
    expect(String(back.context.big).length).toBeLessThan(300);
    expect(structuredClone(e.toJSON()).code).toBe('CONFIG_INVALID');
  });
  it('quote() shows short values whole and long ones by their ends and length', () => {
    expect(quote('abc')).toBe('"abc"');
    const q = quote('a'.repeat(20_000_000));
    expect(q.length).toBeLessThan(120);
    expect(q).toContain('20,000,000 characters');
  });
  it('interruptedError names what was stopped and why', () => {
    const e = interruptedError('fit mlp at epoch 3', 'SIGINT');
    expect(e.format()).toBe('INTERRUPTED: SIGINT: stopped fit mlp at epoch 3');
  });
});
