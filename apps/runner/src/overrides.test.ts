import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { overridesFrom } from './overrides.js';

// --set paths are relative to the current directory (where the user typed them), config paths to the config.
describe('--set of a file path', () => {
  const value = async (set: string) => (await overridesFrom([set]))[0]!.value;

  it('a data file, a list of them or a glob, one element of a list, a sample path and the score step files: made absolute', async () => {
    expect(await value('data.source=d.csv')).toBe(resolve('d.csv'));
    expect(await value('data.test=["a.parquet", "runs/*.parquet"]')).toEqual([resolve('a.parquet'), resolve('runs/*.parquet')]);
    expect(await value('data.train[1]=b.csv')).toBe(resolve('b.csv'));
    expect(await value('data.samples[0].path=sig.root')).toBe(resolve('sig.root'));
    expect(await value('data.samples[2].path=[s1.root, s2.root]')).toEqual([resolve('s1.root'), resolve('s2.root')]);
    expect(await value('steps[3].score.model=m.onnx')).toBe(resolve('m.onnx'));
    expect(await value('steps[3].score.data=new.csv')).toBe(resolve('new.csv'));
  });

  it('absolute paths and keys that are not paths are left as typed', async () => {
    expect(await value('data.source=/data/d.csv')).toBe('/data/d.csv');
    expect(await value('data.label=class')).toBe('class');
    expect(await value('data.samples[0].tree=Events')).toBe('Events');
    expect(await value('steps[1].fit.model=logistic')).toBe('logistic');
  });
});
