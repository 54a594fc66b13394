/* global process, setTimeout */
// Test plugin steps for the interruption tests: a step that waits (the event loop stays free, so a signal is
// handled at once), a step that keeps the CPU busy (a signal waits until the step returns), and a step that throws.
// Each writes an artifact first, so a partial run folder would have something in it.
import { z } from 'zod';

export const steps = [
  {
    name: 'sleep',
    description: 'writes sleep.txt, then waits `ms` milliseconds without blocking',
    schema: z.strictObject({ ms: z.number().int().nonnegative() }),
    async run(ctx, p) {
      ctx.artifacts.write('sleep.txt', 'started\n');
      process.stderr.write('step sleep: started\n');
      await new Promise((resolve) => setTimeout(resolve, p.ms));
    },
  },
  {
    name: 'busy',
    description: 'writes busy.txt, then keeps the CPU busy for `ms` milliseconds',
    schema: z.strictObject({ ms: z.number().int().nonnegative() }),
    run(ctx, p) {
      ctx.artifacts.write('busy.txt', 'started\n');
      process.stderr.write('step busy: started\n');
      const end = Date.now() + p.ms;
      let x = 0;
      while (Date.now() < end) x += Math.sqrt(x + 1);
      return { spun: x > 0 };
    },
  },
  {
    name: 'explode',
    description: 'writes explode.txt, then throws a plain Error (a bug in a plugin)',
    schema: z.strictObject({}),
    run(ctx) {
      ctx.artifacts.write('explode.txt', 'started\n');
      throw new Error('the explode step blew up');
    },
  },
];
