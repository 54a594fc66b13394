import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStep } from './plugin.js';
import { StepRegistry } from './registry.js';

const a = defineStep({ name: 'alpha', description: 'a', schema: z.object({}), run() {} });

describe('StepRegistry', () => {
  it('registering the same object twice is a no-op', () => {
    const r = new StepRegistry().register(a).register(a);
    expect(r.names()).toEqual(['alpha']);
  });

  it('a different object under a taken name throws, naming both origins', () => {
    const r = new StepRegistry().register(a);
    const b = defineStep({ name: 'alpha', description: 'b', schema: z.object({}), run() {} });
    expect(() => r.register(b, 'plugin ./b.js')).toThrow(/step "alpha" from plugin \.\/b\.js clashes with the step of the same name from built-in/);
  });

  it('rejects objects that are not plugins', () => {
    expect(() => new StepRegistry().register({ name: 'x' } as never, 'plugin ./x.js')).toThrow(/does not export a valid step plugin/);
    expect(() => new StepRegistry().register({ ...a, name: 'Bad Name' })).toThrow(/not valid/);
  });

  it('clones are independent', () => {
    const r = new StepRegistry().register(a);
    const c = r.clone().register(defineStep({ name: 'beta', description: 'b', schema: z.object({}), run() {} }));
    expect(r.names()).toEqual(['alpha']);
    expect(c.names()).toEqual(['alpha', 'beta']);
  });
});
