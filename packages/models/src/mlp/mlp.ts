import { type DenseMatrix, createRng, simdEnabled } from '@discern/linalg';
import { DiscernError, defaultThreads } from '@discern/core';
import { checkNotCancelled, fitCancellation, fitThreads } from '../cancel.js';
import { stratifiedHoldout } from '../holdout.js';
import { type Classifier, type FitOptions, type FitReport, type ModelJSON, argmaxRows } from '../estimator.js';
import { type MemoryPart, checkMemory, doubles, ints } from '../resources.js';
import { checkPredictX, checkWeights, checkXy, notFitted } from '../validate.js';
import { type Activation, type OutputActivation, initLayer } from './activations.js';
import { type Architecture, Workspace, architecture } from './network.js';
import { type MLPOptions, type ResolvedOptions, loadInitialLayers, resolveOptions, resolveThreads } from './options.js';
import { type ModelSource } from '../model-json.js';
import { parseMLPJSON } from './serialize.js';
import { train } from './train.js';

const NAME = 'MLPClassifier';

/**
 * One dense layer as the network computes it: out = activation(input · weights + biases), with `weights`
 * inputs × outputs row-major (weights[k·outputs + j] connects input k to unit j) and `biases` of length outputs.
 * The last layer's activation is 'sigmoid' (one unit: P(class 1)) for two classes, 'softmax' for more.
 * This is what an ONNX exporter needs: MatMul(W) → Add(b) → activation, layer after layer.
 */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weights: Float64Array;
  readonly biases: Float64Array;
  readonly activation: Activation | OutputActivation;
}

/**
 * What a fit allocates (see resources.ts): the weights and their copies (gradient, optimiser state, best weights
 * for early stopping, the worker thread's shared copies), the activations and errors of a mini-batch (two halves
 * with a worker thread), the validation pass, and per-row arrays.
 */
function fitMemory(arch: Architecture, o: ResolvedOptions, n: number, threads: number): MemoryPart[] {
  const P = arch.nParams;
  const units = arch.sizes.reduce((a, b) => a + b, 0);
  const outputs = arch.sizes[arch.sizes.length - 1]!;
  const batch = Math.min(o.batchSize === 'auto' ? 200 : o.batchSize, n);
  const half = Math.ceil(batch / 2);
  // as BatchRunner decides: a worker thread takes the second half of large batches
  const threaded = threads > 1 && batch >= 2 && batch * P >= 50_000;
  const parts: MemoryPart[] = [
    ['weights', doubles(P)],
    ['gradients', doubles(P)],
    [o.solver === 'adam' ? "Adam's moment estimates" : 'SGD velocities', doubles(o.solver === 'adam' ? 2 * P : P)],
    ['mini-batch activations', doubles((threaded ? 2 : 1) * half * (2 * units + outputs))],
    ['row weights and order', doubles(n) + ints(2 * n)],
  ];
  if (o.earlyStopping) parts.push(['best weights and validation activations', doubles(P + Math.min(n, 1024) * units)]);
  if (threaded) parts.push(["the worker thread's shared copies", doubles(2 * P + 1 + n * arch.sizes[0]! + n) + ints(2 * n)]);
  return parts;
}

/**
 * A feed-forward neural network classifier (multi-layer perceptron) trained by mini-batch back-propagation
 * with Adam or SGD, scikit-learn's MLPClassifier's rules (loss and L2 scaling, updates, tol / n_iter_no_change
 * convergence), plus per-event weights, an 'mse' loss, and early stopping on the validation loss.
 */
export class MLPClassifier implements Classifier {
  readonly kind = 'mlp';
  readonly options: ResolvedOptions;
  private readonly threadsOption: number | undefined;
  private readonly initialLayers: MLPOptions['initialLayers'];
  private arch: Architecture | undefined;
  private params: Float64Array | undefined;
  private report: FitReport | undefined;
  private k = 0;
  /**
   * The forward buffers of predictProba for 1,024 rows a batch, kept from call to call: a pipeline scores a large
   * file batch after batch, and each new workspace would be a new instance of the SIMD kernels with its own memory.
   */
  private scoring: { ws: Workspace; arch: Architecture; simd: boolean } | undefined;

  constructor(options: MLPOptions = {}) {
    this.options = resolveOptions(options);
    this.threadsOption = resolveThreads(options);
    this.initialLayers = options.initialLayers;
  }

  /** Threads for training (see MLPOptions.threads; the default is read at fit time). */
  get threads(): number {
    return this.threadsOption ?? defaultThreads();
  }

  get nClasses(): number {
    return this.k;
  }

  get nFeatures(): number {
    return this.arch ? this.arch.sizes[0]! : 0;
  }

  get fitReport(): FitReport | undefined {
    return this.report;
  }

  /** The fitted layers, input to output (copies: changing them does not change the model). Empty before fit. */
  get layers(): readonly DenseLayer[] {
    const arch = this.arch;
    const params = this.params;
    if (!arch || !params) return [];
    const L = arch.sizes.length - 1;
    const out: DenseLayer[] = [];
    for (let l = 0; l < L; l++) {
      const p = arch.sizes[l]!;
      const q = arch.sizes[l + 1]!;
      const off = arch.wOffsets[l]!;
      out.push(
        Object.freeze({
          inputs: p,
          outputs: q,
          weights: params.slice(off, off + p * q),
          biases: params.slice(off + p * q, off + p * q + q),
          activation: l < L - 1 ? arch.activation : q === 1 ? 'sigmoid' : 'softmax',
        }),
      );
    }
    return Object.freeze(out);
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const K = checkXy(X, y, NAME, 2);
    const threads = fitThreads(options, this.threadsOption, NAME);
    const n = X.rows;
    checkWeights(options.weights, n, NAME, false);
    const o = this.options;
    const outputs = K === 2 ? 1 : K;
    const arch = architecture([X.cols, ...o.hiddenLayers, outputs], o.activation);
    checkMemory(NAME, fitMemory(arch, o, n, threads), (nm) => `use fewer or smaller ${nm.option('hiddenLayers')} (the network [${arch.sizes.join(', ')}] has ${arch.nParams.toLocaleString('en-US')} weights and biases), or a smaller ${nm.option('batchSize')}`, {
      option: 'hiddenLayers',
    });
    const rng = createRng(o.seed);
    const params = new Float64Array(arch.nParams);
    if (this.initialLayers) loadInitialLayers(this.initialLayers, arch.sizes, arch.wOffsets, params);
    else {
      const initRng = rng.fork('init');
      const L = arch.sizes.length - 1;
      for (let l = 0; l < L; l++) {
        const act = l < L - 1 ? o.activation : outputs === 1 ? 'sigmoid' : 'softmax';
        initLayer(initRng, arch.sizes[l]!, arch.sizes[l + 1]!, act, params.subarray(arch.wOffsets[l]!));
      }
    }

    let trainIdx: Int32Array;
    let valIdx: Int32Array | undefined;
    if (o.earlyStopping) [trainIdx, valIdx] = stratifiedHoldout(y, K, o.validationFraction, rng.fork('validation'), NAME);
    else {
      trainIdx = new Int32Array(n);
      for (let i = 0; i < n; i++) trainIdx[i] = i;
    }

    // Weights normalised to mean 1 over the training rows: the fit is invariant to their overall scale, and
    // the L2 term keeps scikit-learn's meaning (per row of a batch). All ones stay exactly ones.
    const w = new Float64Array(n).fill(1);
    if (options.weights) {
      let total = 0;
      for (let t = 0; t < trainIdx.length; t++) total += options.weights[trainIdx[t]!]!;
      if (!(total > 0))
        throw new DiscernError(
          'DATA_INVALID',
          (nm) => `${NAME}: the event weights of the training rows sum to ${total}${valIdx ? ` once the ${nm.option('validationFraction')} is held out for ${nm.option('earlyStopping')}` : ''}; they must sum to a positive number`,
          { estimator: NAME, total },
        );
      const f = trainIdx.length / total;
      for (let i = 0; i < n; i++) w[i] = options.weights[i]! * f;
      if (valIdx) {
        let vt = 0;
        for (let t = 0; t < valIdx.length; t++) vt += w[valIdx[t]!]!;
        if (!(vt > 0))
          throw new DiscernError('DATA_INVALID', (nm) => `${NAME}: the event weights of the validation rows sum to ${vt}; ${nm.option('earlyStopping')} needs a positive validation weight`, { estimator: NAME, total: vt, option: 'earlyStopping' });
      }
    }

    const res = train(
      { arch, options: o, X: X.data, y, w, trainIdx, valIdx, shuffleRng: rng.fork('shuffle'), onProgress: options.onProgress, threads, cancel: fitCancellation(options, this.kind) },
      params,
    );

    // committed only now: a fit that throws leaves the previous model as it was
    this.arch = arch;
    this.params = params;
    this.k = K;
    this.report = Object.freeze({
      iterations: res.epochs,
      converged: res.reason !== 'max_iter',
      reason: res.reason,
      history: res.loss,
      historyLabel: 'training loss (mean batch objective, L2 penalty included)',
      details: {
        validationLoss: res.validationLoss,
        validationAccuracy: res.validationAccuracy,
        bestEpoch: res.bestEpoch,
        learningRates: res.learningRates,
        trainingRows: trainIdx.length,
        validationRows: valIdx ? valIdx.length : 0,
      },
    });
    return this;
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    const arch = this.arch;
    const params = this.params;
    if (!arch || !params) throw notFitted(NAME);
    checkPredictX(X, arch.sizes[0]!, NAME);
    const n = X.rows;
    const p = X.cols;
    const K = this.k;
    const out = new Float64Array(n * K);
    const simd = simdEnabled();
    let ws: Workspace;
    if (n >= 1024) {
      if (this.scoring?.arch !== arch || this.scoring.simd !== simd) this.scoring = { ws: new Workspace(arch, 1024, false, simd), arch, simd };
      ws = this.scoring.ws;
    } else ws = new Workspace(arch, Math.max(1, n), false, simd);
    const index = new Int32Array(ws.capacity);
    for (let start = 0; start < n; start += ws.capacity) {
      const m = Math.min(ws.capacity, n - start);
      for (let r = 0; r < m; r++) index[r] = start + r;
      ws.loadRows(X.data, p, index, 0, m);
      ws.forward(params, m);
      const probs = ws.probabilities(m);
      if (K === 2) {
        for (let r = 0; r < m; r++) {
          const q = probs[r]!;
          out[(start + r) * 2] = 1 - q;
          out[(start + r) * 2 + 1] = q;
        }
      } else out.set(probs.subarray(0, m * K), start * K);
    }
    return { rows: n, cols: K, data: out };
  }

  predict(X: DenseMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  toJSON(): ModelJSON {
    if (!this.arch || !this.params) throw notFitted(NAME);
    const r = this.report;
    return {
      kind: 'mlp',
      version: 1,
      nFeatures: this.nFeatures,
      nClasses: this.k,
      options: { ...this.options, hiddenLayers: [...this.options.hiddenLayers] },
      layers: this.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, activation: l.activation, weights: Array.from(l.weights), biases: Array.from(l.biases) })),
      fitReport: r ? JSON.parse(JSON.stringify(r)) : null,
    };
  }

  /** Rebuilds a fitted model from toJSON()'s output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): MLPClassifier {
    const parsed = parseMLPJSON(json, source);
    const model = new MLPClassifier(parsed.options);
    const arch = architecture(parsed.sizes, model.options.activation);
    const params = new Float64Array(arch.nParams);
    loadInitialLayers(parsed.layers, arch.sizes, arch.wOffsets, params);
    model.arch = arch;
    model.params = params;
    model.k = parsed.nClasses;
    model.report = parsed.fitReport;
    return model;
  }
}
