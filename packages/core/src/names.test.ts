import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './names.js';

describe('did you mean', () => {
  it('edit distance counts insertions, deletions, substitutions and a swap of neighbours as one each (worked by hand)', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3); // k→s, e→i, +g
    expect(editDistance('nmae', 'name')).toBe(1); // one swap
    expect(editDistance('alfa', 'alpha')).toBe(2); // f→p, +h
    expect(editDistance('ca', 'abc')).toBe(3); // optimal string alignment, not Damerau's unrestricted distance (2)
  });

  it('suggests a likely typo, case-insensitively, and nothing for a word that merely shares a letter', () => {
    expect(closestName('nmae', ['model', 'name', 'train'])).toBe('name');
    expect(closestName('Signal_Efficency', ['signal_efficiency', 'confidence'])).toBe('signal_efficiency');
    expect(closestName('alfa', ['alpha', 'calibration'])).toBe('alpha');
    expect(closestName('k', ['l2', 'tol'])).toBeUndefined();
    expect(closestName('zzzz', ['name', 'model'])).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });

  it('a name longer than 100 characters is no typo worth comparing', () => {
    const long = 'a'.repeat(101);
    expect(closestName(long, [`${long}b`])).toBeUndefined();
  });
});
