import { describe, expect, it } from 'vitest';
import { runError } from '../steps.test-helpers.js';

describe('inspect with a class whose weights sum to a non-positive number', () => {
  it('names the step, the class and its own total, and data.weight with its line', async () => {
    // class b weighted 1 (10 rows), class s weighted −1 (6 rows): s totals −6 (the whole data: +4)
    const lines = ['x1,x2,w,label'];
    for (let i = 0; i < 10; i++) lines.push(`${i % 4},${(i * 3) % 5},1,b`);
    for (let i = 0; i < 6; i++) lines.push(`${(i % 3) + 1},${(i * 2) % 5},-1,s`);
    const e = await runError('name: t\nseed: 1\ndata:\n  source: d.csv\n  label: label\n  positive: s\n  weight: w\n  split: none\nsteps:\n  - inspect: {}\n', { 'd.csv': `${lines.join('\n')}\n` });
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toBe('step 1 (inspect, at steps[0].inspect): the event weights (data.weight "w", c.yaml:7:11) of class "s" (its 6 rows) sum to -6; its correlation matrix needs a positive total');
  });
});
