import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStep } from './step.js';
import { StepRegistry } from './registry.js';

const a = defineStep({ name: 'alpha', description: 'a', params: z.object({}), run() {} });

describe('StepRegistry', () => {
  it('registering the same object twice is a no-op', () => {
    const r = new StepRegistry().register(a).register(a);
    expect(r.names()).toEqual(['alpha']);
  });

  it('a different object under a taken name throws, naming both origins', () => {
    const r = new StepRegistry().register(a);
    const b = defineStep({ name: 'alpha', description: 'b', params: z.object({}), run() {} });
    expect(() => r.register(b, 'plugin ./b.js')).toThrow(/step "alpha" from plugin \.\/b\.js clashes with the step of the same name from built-in/);
  });

  it('rejects objects that are not plugins', () => {
    expect(() => new StepRegistry().register({ name: 'x' } as never, 'plugin ./x.js')).toThrow(/does not export a valid step/);
    expect(() => new StepRegistry().register({ ...a, name: 'Bad Name' })).toThrow(/not valid/);
  });

  it('a plugin of the first contract (schema, no result) is taken, with its parameters as params', () => {
    const old = { name: 'gamma', description: 'g', schema: z.strictObject({ k: z.number() }), run() {} };
    const r = new StepRegistry().register(old, 'plugin ./g.js');
    expect(r.get('gamma')!.params.safeParse({ k: 1 }).success).toBe(true);
    expect(r.get('gamma')!.params.safeParse({ k: 'x' }).success).toBe(false);
    expect(() => new StepRegistry().register({ name: 'delta', params: z.object({}), result: 'not a schema', run() {} } as never, 'plugin ./d.js')).toThrow(/does not export a valid step/);
  });

  it('clones are independent', () => {
    const r = new StepRegistry().register(a);
    const c = r.clone().register(defineStep({ name: 'beta', description: 'b', params: z.object({}), run() {} }));
    expect(r.names()).toEqual(['alpha']);
    expect(c.names()).toEqual(['alpha', 'beta']);
  });
});
