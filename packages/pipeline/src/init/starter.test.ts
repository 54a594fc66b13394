import { describe, expect, it } from 'vitest';
import { fileStem, runName } from './starter.js';

describe('the names init gives a config and its run', () => {
  it('drop the extension, both of a compressed CSV, and keep the characters a run name allows', () => {
    expect(['magic.csv', 'magic.csv.gz', 'MAGIC.CSV.GZ', 'events.parquet', 'tree.root', 'a.b.txt', 'noext', 'x.gz'].map(fileStem)).toEqual(['magic', 'magic', 'MAGIC', 'events', 'tree', 'a.b', 'noext', 'x']);
    expect(runName('/data/my events (2024).csv.gz')).toBe('my-events-2024-');
    expect(runName('___.csv')).toBe('starter');
  });
});
