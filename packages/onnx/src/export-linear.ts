/**
 * Logistic regression and the multi-layer perceptron: dense layers, then sigmoid (two classes) or softmax. Both
 * compute in the input type: their outputs are probabilities, whose error is the logit's error times p(1 − p) ≤ ¼,
 * and float32 met the parity tolerance with a margin of 20× (logistic 1.9e-7, MLP 4.5e-7 on MAGIC rows drawn to the
 * edges of the training range), so float32 graphs stay float32 throughout (and fast on any GPU).
 */
import { type MLPClassifier, type LogisticRegression } from '@discern/models';
import { column, dense, transposed } from './blocks.js';
import { type Family, columnOf } from './family.js';
import { type GraphBuilder } from './graph.js';

/** [N,1] P(class 1) → [N,2] [1 − p, p], the column order of predictProba. */
function binaryProba(b: GraphBuilder, p1: string): string {
  const p0 = b.op('Sub', [b.scalar(1, 'one'), p1]);
  return b.op('Concat', [p0, p1], { axis: 1 });
}

/** Probabilities from the last layer's pre-activations z ([N,1] sigmoid unit, or [N,K] softmax). */
function outputLayer(b: GraphBuilder, z: string, K: number): string {
  return K === 2 ? binaryProba(b, b.op('Sigmoid', [z])) : b.op('Softmax', [z], { axis: 1 });
}

export function logisticFamily(m: LogisticRegression): Family {
  const K = m.nClasses, p = m.nFeatures;
  const coef = m.coef;
  const intercept = m.intercept;
  return {
    role: 'classifier',
    kind: 'logistic',
    nFeatures: p,
    K,
    ...(K === 2 ? { scoreKind: 'probability' as const } : {}),
    build(b, x, positive) {
      const z = dense(b, x, transposed(coef.data, coef.rows, p), intercept, p, coef.rows);
      const proba = outputLayer(b, z, K);
      return { proba, ...(K === 2 ? { score: column(b, proba, positive) } : {}), label: b.op('ArgMax', [proba], { axis: 1, keepdims: 0 }) };
    },
    reference(X, positive) {
      const proba = m.predictProba(X);
      return { proba, ...(K === 2 ? { score: columnOf(proba, positive) } : {}), label: m.predict(X) };
    },
  };
}

export function mlpFamily(m: MLPClassifier): Family {
  const layers = m.layers;
  const K = m.nClasses;
  return {
    role: 'classifier',
    kind: 'mlp',
    nFeatures: m.nFeatures,
    K,
    ...(K === 2 ? { scoreKind: 'probability' as const } : {}),
    build(b, x, positive) {
      let a = x;
      layers.forEach((layer, l) => {
        const z = dense(b, a, layer.weights, layer.biases, layer.inputs, layer.outputs);
        if (l === layers.length - 1) a = outputLayer(b, z, K);
        else if (layer.activation === 'relu') a = b.op('Relu', [z]);
        else if (layer.activation === 'tanh') a = b.op('Tanh', [z]);
        else if (layer.activation === 'sigmoid') a = b.op('Sigmoid', [z]);
        else a = z; // identity
      });
      return { proba: a, ...(K === 2 ? { score: column(b, a, positive) } : {}), label: b.op('ArgMax', [a], { axis: 1, keepdims: 0 }) };
    },
    reference(X, positive) {
      const proba = m.predictProba(X);
      return { proba, ...(K === 2 ? { score: columnOf(proba, positive) } : {}), label: m.predict(X) };
    },
  };
}
