/**
 * Stochastic optimisers on the flat parameter vector, with scikit-learn's update rules
 * (sklearn/neural_network/_stochastic_optimizers.py), so that the same gradients give the same steps.
 */
export interface Optimizer {
  /** θ ← θ + update(g), with `lr` the current base learning rate (from the schedule). */
  step(params: Float64Array, grad: Float64Array, lr: number): void;
}

/**
 * SGD with momentum μ: v ← μv − lr·g; θ ← θ + v, or with Nesterov's momentum θ ← θ + μv − lr·g
 * (the look-ahead form scikit-learn uses). μ = 0 is plain gradient descent.
 */
export class SGD implements Optimizer {
  private readonly velocity: Float64Array;
  constructor(
    n: number,
    private readonly momentum: number,
    private readonly nesterov: boolean,
  ) {
    this.velocity = new Float64Array(n);
  }

  step(params: Float64Array, grad: Float64Array, lr: number): void {
    const v = this.velocity;
    const mu = this.momentum;
    if (this.nesterov) {
      for (let i = 0; i < params.length; i++) {
        const g = grad[i]!;
        const vi = mu * v[i]! - lr * g;
        v[i] = vi;
        params[i]! += mu * vi - lr * g;
      }
    } else {
      for (let i = 0; i < params.length; i++) {
        const vi = mu * v[i]! - lr * grad[i]!;
        v[i] = vi;
        params[i]! += vi;
      }
    }
  }
}

/**
 * Adam (Kingma & Ba 2014) as scikit-learn writes it: the bias corrections fold into the step size,
 * lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ), and θ ← θ − lr_t·m/(√v + ε).
 */
export class Adam implements Optimizer {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(
    n: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
  ) {
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }

  step(params: Float64Array, grad: Float64Array, lr: number): void {
    this.t++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const c1 = 1 - b1;
    const c2 = 1 - b2;
    const lrT = (lr * Math.sqrt(1 - b2 ** this.t)) / (1 - b1 ** this.t);
    const eps = this.epsilon;
    const m = this.m;
    const v = this.v;
    for (let i = 0; i < params.length; i++) {
      const g = grad[i]!;
      const mi = b1 * m[i]! + c1 * g;
      const vi = b2 * v[i]! + c2 * (g * g);
      m[i] = mi;
      v[i] = vi;
      params[i]! += (-lrT * mi) / (Math.sqrt(vi) + eps);
    }
  }
}
