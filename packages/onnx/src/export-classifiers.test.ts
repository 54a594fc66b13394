import { describe, expect, test } from 'vitest';
import { GaussianNB, GenerativeClassifier, LDA, LogisticRegression, MLPClassifier, QDA } from '@discern/models';
import { exportBoth, loadCsv, meanScale, standardised } from './testing.test-helpers.js';

// Parity (float32 ≤ 1e-5, float64 ≤ 1e-12; see parity.ts) and the ONNX checker, on real data, every classifier family.
const magic = loadCsv('magic04.csv', 'class', { take: 10, classes: ['h', 'g'] }); // 1 903 rows; g (gamma) = signal
const magicStd = meanScale(magic.X);
const iris = loadCsv('iris.csv', 'label');
const irisStd = meanScale(iris.X);

describe('logistic regression', () => {
  test('binary on MAGIC: probabilities, score = P(g), label', async () => {
    const m = new LogisticRegression({ l2: 1e-3 }).fit(standardised(magic.X, magicStd), magic.y);
    const r = await exportBoth({ estimator: m, featureNames: magic.features, classNames: magic.classes, positive: 'g', standardizer: magicStd, sample: magic.X });
    expect(r.float64.outputs).toEqual(['probabilities', 'score', 'label']);
    expect(r.float64.parity.outputs.map((o) => o.output)).toEqual(['probabilities', 'score']);
  });

  test('multinomial on iris (softmax)', async () => {
    const m = new LogisticRegression({ l2: 1e-2 }).fit(standardised(iris.X, irisStd), iris.y);
    const r = await exportBoth({ estimator: m, featureNames: iris.features, classNames: iris.classes, standardizer: irisStd, sample: iris.X });
    expect(r.float32.outputs).toEqual(['probabilities', 'label']);
  });
});

describe('MLP', () => {
  test('small tanh network on MAGIC', async () => {
    const m = new MLPClassifier({ hiddenLayers: [8], activation: 'tanh', maxIter: 30, seed: 1 }).fit(standardised(magic.X, magicStd), magic.y);
    await exportBoth({ estimator: m, featureNames: magic.features, classNames: magic.classes, standardizer: magicStd, sample: magic.X });
  });

  test('relu network on digits (10 classes, softmax)', async () => {
    const digits = loadCsv('digits.csv', 'label', { take: 3 });
    const m = new MLPClassifier({ hiddenLayers: [16, 12], activation: 'relu', maxIter: 20, seed: 2 }).fit(digits.X, digits.y);
    const r = await exportBoth({ estimator: m, featureNames: digits.features, classNames: digits.classes, sample: digits.X });
    expect(r.float64.parity.outputs[0]!.output).toBe('probabilities');
  });

  test('sigmoid and identity hidden layers (iris)', async () => {
    for (const activation of ['sigmoid', 'identity'] as const) {
      const m = new MLPClassifier({ hiddenLayers: [5], activation, maxIter: 20, seed: 3 }).fit(standardised(iris.X, irisStd), iris.y);
      await exportBoth({ estimator: m, featureNames: iris.features, classNames: iris.classes, standardizer: irisStd, sample: iris.X });
    }
  });
});

describe('Bayes classifiers', () => {
  test('Gaussian naive Bayes on iris and MAGIC', async () => {
    await exportBoth({ estimator: new GaussianNB().fit(iris.X, iris.y), featureNames: iris.features, classNames: iris.classes, sample: iris.X });
    const m = new GaussianNB().fit(standardised(magic.X, magicStd), magic.y);
    await exportBoth({ estimator: m, featureNames: magic.features, classNames: magic.classes, standardizer: magicStd, sample: magic.X });
  });

  test('LDA and QDA on iris', async () => {
    await exportBoth({ estimator: new LDA().fit(iris.X, iris.y), featureNames: iris.features, classNames: iris.classes, sample: iris.X });
    await exportBoth({ estimator: new QDA().fit(iris.X, iris.y), featureNames: iris.features, classNames: iris.classes, sample: iris.X });
  });

  test('QDA on MAGIC', async () => {
    const m = new QDA().fit(standardised(magic.X, magicStd), magic.y);
    await exportBoth({ estimator: m, featureNames: magic.features, classNames: magic.classes, standardizer: magicStd, sample: magic.X });
  });

  test('generative classifier, a GMM per class on MAGIC: score is the log-likelihood ratio', async () => {
    const Xs = standardised(magic.X, magicStd);
    const m = new GenerativeClassifier({ density: { kind: 'gmm', nComponents: 2, covarianceType: 'full', maxIter: 20, seed: 1 } }).fit(Xs, magic.y);
    const r = await exportBoth({ estimator: m, featureNames: magic.features, classNames: magic.classes, positive: 'g', standardizer: magicStd, sample: magic.X });
    expect(r.float64.outputs).toEqual(['probabilities', 'score', 'log_densities', 'label']);
    const score = r.float64.parity.outputs.find((o) => o.output === 'score')!;
    expect(score.relative).toBe(true);
  });

  test('generative classifier with Gaussian class densities (iris, 3 classes)', async () => {
    const m = new GenerativeClassifier({ density: { kind: 'gaussian', regCovar: 1e-6 } }).fit(iris.X, iris.y);
    await exportBoth({ estimator: m, featureNames: iris.features, classNames: iris.classes, sample: iris.X });
  });
});
