import { createRng } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from './activations.js';
import { LOSSES } from './losses.js';
import { Workspace, architecture } from './network.js';

/**
 * Central finite differences of the full batch objective J = (1/n)[Σ w_i ℓ_i + (α/2)Σ‖W‖²] against the
 * back-propagated gradient, for every parameter. The loss value is computed from the logits (softplus,
 * log-sum-exp) while the gradient goes through the probabilities, so the two paths are independent.
 * h = 1e-5: truncation (~h²) and rounding (~ε/h) errors are both ~1e-11, hence the tolerance:
 * |g − g_fd| / max(|g|, |g_fd|, 1e-4) < 1e-6 for each parameter.
 */
const n = 7;
const p = 3;
const hidden = [4, 3];

function relError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-4);
}

describe('back-propagation matches central finite differences', () => {
  for (const activation of ACTIVATIONS)
    for (const loss of LOSSES)
      for (const outputs of [1, 3])
        for (const variant of ['plain', 'l2', 'l2+weights'] as const) {
          it(`${activation} / ${loss} / ${outputs === 1 ? 'binary sigmoid' : 'softmax K=3'} / ${variant}`, () => {
            const rng = createRng(1000 + outputs);
            const arch = architecture([p, ...hidden, outputs], activation);
            const X = new Float64Array(n * p).map(() => rng.normal());
            const K = outputs === 1 ? 2 : outputs;
            const y = new Int32Array(n).map((_, i) => i % K);
            const w = new Float64Array(n).fill(1);
            if (variant === 'l2+weights') for (let i = 0; i < n; i++) w[i] = 0.2 + 2 * rng.uniform();
            const l2 = variant === 'plain' ? 0 : 0.3;
            const params = new Float64Array(arch.nParams).map(() => 0.8 * rng.normal());
            const ws = new Workspace(arch, n);
            const index = Int32Array.from({ length: n }, (_, i) => i);
            ws.loadRows(X, p, index, 0, n);
            const grad = new Float64Array(arch.nParams);
            ws.lossAndGradient(params, grad, y, w, n, loss, l2);
            const scratch = new Float64Array(arch.nParams);
            const h = 1e-5;
            let worst = 0;
            let nonZero = 0;
            for (let t = 0; t < arch.nParams; t++) {
              const save = params[t]!;
              params[t] = save + h;
              const up = ws.lossAndGradient(params, scratch, y, w, n, loss, l2);
              params[t] = save - h;
              const down = ws.lossAndGradient(params, scratch, y, w, n, loss, l2);
              params[t] = save;
              const fd = (up - down) / (2 * h);
              worst = Math.max(worst, relError(grad[t]!, fd));
              if (Math.abs(fd) > 1e-4) nonZero++;
            }
            expect(worst).toBeLessThan(1e-6);
            // the check means something only if most gradients are not (near) zero
            expect(nonZero).toBeGreaterThan(arch.nParams / 2);
          });
        }
});
