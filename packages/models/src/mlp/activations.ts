import { type Rng, sigmoid } from '@discern/linalg';

/** Hidden-layer activations. The output layer is always sigmoid (two classes) or softmax (K > 2). */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'identity';
export type OutputActivation = 'sigmoid' | 'softmax';

export const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'identity'];

/** Applies the activation in place to the first `len` values of `a`. */
export function activateInPlace(act: Activation, a: Float64Array, len: number): void {
  switch (act) {
    case 'relu':
      for (let i = 0; i < len; i++) if (!(a[i]! > 0)) a[i] = 0;
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) a[i] = Math.tanh(a[i]!);
      return;
    case 'sigmoid':
      // linalg's sigmoid, evaluated on the side where exp cannot overflow
      for (let i = 0; i < len; i++) a[i] = sigmoid(a[i]!);
      return;
    case 'identity':
      return;
  }
}

/**
 * Multiplies the back-propagated error `d` by f'(z), written in terms of the activation's output a = f(z)
 * (as scikit-learn does), so the pre-activations need not be kept.
 * Note relu'(0) = 0: a unit exactly at the kink passes no gradient.
 */
export function multiplyDerivativeInPlace(act: Activation, a: Float64Array, d: Float64Array, len: number): void {
  switch (act) {
    case 'relu':
      for (let i = 0; i < len; i++) if (!(a[i]! > 0)) d[i] = 0;
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) {
        const v = a[i]!;
        d[i]! *= 1 - v * v;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < len; i++) {
        const v = a[i]!;
        d[i]! *= v * (1 - v);
      }
      return;
    case 'identity':
      return;
  }
}

/**
 * Initial weights of one layer, uniform on [-b, b]: He (b = √(6/fan_in)) before a relu, Glorot–Bengio
 * (b = √(6/(fan_in+fan_out)), or √(2/(fan_in+fan_out)) for sigmoid as scikit-learn) otherwise.
 * `activation` is that of the layer's own output; the sigmoid/softmax output layer uses Glorot.
 * Biases start at zero: the random weights already break the symmetry between units.
 */
export function initLayer(rng: Rng, fanIn: number, fanOut: number, activation: Activation | OutputActivation, weights: Float64Array): void {
  let bound: number;
  if (activation === 'relu') bound = Math.sqrt(6 / fanIn);
  else if (activation === 'sigmoid') bound = Math.sqrt(2 / (fanIn + fanOut));
  else bound = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < fanIn * fanOut; i++) weights[i] = (2 * rng.uniform() - 1) * bound;
}
