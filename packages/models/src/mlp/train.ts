import { type Rng } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { type Cancellation, checkpoint } from '../cancel.js';
import { type Progress } from '../estimator.js';
import { lossFromProbabilities } from './losses.js';
import { type Architecture, Workspace, allFinite } from './network.js';
import { BatchRunner } from './batches.js';
import { Adam, type Optimizer, SGD } from './optimizers.js';
import { type ResolvedOptions } from './options.js';
import { Schedule } from './schedules.js';

/** Why training stopped. */
export type StopReason = 'tol' | 'max_iter' | 'early_stopping';

export interface TrainResult {
  readonly epochs: number;
  readonly reason: StopReason;
  /** Training loss per epoch: the mean of the batch objectives (penalty included) weighted by batch size. */
  readonly loss: number[];
  /** Base learning rate each epoch ran at. */
  readonly learningRates: number[];
  /** Validation loss (weighted mean, no penalty) and weighted accuracy per epoch; empty without earlyStopping. */
  readonly validationLoss: number[];
  readonly validationAccuracy: number[];
  /** Epoch (1-based) whose weights were kept: the best validation loss with earlyStopping, else the last. */
  readonly bestEpoch: number;
}

export interface TrainInput {
  readonly arch: Architecture;
  readonly options: ResolvedOptions;
  /** Row-major features (all rows; trainIdx/valIdx select). */
  readonly X: Float64Array;
  readonly y: Int32Array;
  /** Row weights, normalised so the training rows have mean weight 1. */
  readonly w: Float64Array;
  readonly trainIdx: Int32Array;
  readonly valIdx: Int32Array | undefined;
  readonly shuffleRng: Rng;
  readonly onProgress: ((p: Progress) => void) | undefined;
  /** Threads for the mini-batches (see BatchRunner; every number gives the same result). */
  readonly threads: number;
  /** Checked before every mini-batch. */
  readonly cancel?: Cancellation;
}

function diverged(epoch: number, batch: number | undefined, lr: number, solver: string, what: string): DiscernError {
  return new DiscernError(
    'FIT_DIVERGED',
    (n) =>
      `MLPClassifier diverged in epoch ${epoch}${batch === undefined ? '' : ` (batch ${batch})`}: ${what}; lower ${n.option('learningRateInit')} (now ${lr} with ${solver}), standardise the features, or raise ${n.option('l2')}`,
    { estimator: 'MLPClassifier', epoch, batch, learningRate: lr, option: 'learningRateInit' },
  );
}

/** Mini-batch training of `params` in place. Throws FIT_DIVERGED (leaving the caller's model untouched) on a non-finite loss. */
export function train(input: TrainInput, paramsIn: Float64Array): TrainResult {
  const { arch, options: o, X, y, w, trainIdx, valIdx, shuffleRng, onProgress, cancel } = input;
  const p = arch.sizes[0]!;
  const outputs = arch.sizes[arch.sizes.length - 1]!;
  const n = trainIdx.length;
  const batch = Math.min(o.batchSize === 'auto' ? 200 : o.batchSize, n);
  const grad = new Float64Array(arch.nParams);
  const runner = new BatchRunner(arch, batch, X, y, w, trainIdx, paramsIn, o.loss, o.l2, input.threads);
  // positions in the runner's compact training rows, shuffled in place below; the parameters are the runner's copy
  // when a worker thread shares them, updated in place below and copied back at the end
  const { params, order } = runner;
  const optimizer: Optimizer = o.solver === 'adam' ? new Adam(arch.nParams, o.beta1, o.beta2, o.epsilon) : new SGD(arch.nParams, o.momentum, o.nesterov);
  const schedule = new Schedule(o.learningRate, o.learningRateInit, o.powerT);

  const result: TrainResult = { epochs: 0, reason: 'max_iter', loss: [], learningRates: [], validationLoss: [], validationAccuracy: [], bestEpoch: 0 };
  let reason: StopReason = 'max_iter';
  let best = Infinity;
  let stalled = 0;
  let bestEpoch = 0;
  const bestParams = valIdx ? params.slice() : undefined;
  const limit = valIdx ? o.patience : o.nIterNoChange;
  let valWs: Workspace | undefined;
  let yVal: Int32Array | undefined;
  let wVal: Float64Array | undefined;
  let valWeight = 0;
  if (valIdx) {
    valWs = new Workspace(arch, Math.min(valIdx.length, 1024), false);
    yVal = new Int32Array(valIdx.length);
    wVal = new Float64Array(valIdx.length);
    for (let t = 0; t < valIdx.length; t++) {
      yVal[t] = y[valIdx[t]!]!;
      wVal[t] = w[valIdx[t]!]!;
      valWeight += wVal[t]!;
    }
  }

  // A finite but absurd loss is divergence too (a relu network blown up by a huge step can keep a finite loss
  // of 1e200 and "converge" on it): the bound is 10⁴ × the loss of predicting the class frequencies.
  const bound = 1e4 * Math.max(priorLoss(o.loss, y, w, trainIdx, outputs === 1 ? 2 : outputs), 0.1);

  let epoch = 0;
  while (epoch < o.maxIter) {
    epoch++;
    if (o.shuffle) shuffleRng.shuffle(order);
    const lr = schedule.rate;
    let accumulated = 0;
    let b = 0;
    for (let start = 0; start < n; start += batch, b++) {
      checkpoint(cancel, () => `epoch ${epoch} of ${o.maxIter}, mini-batch ${b + 1} of ${Math.ceil(n / batch)}`);
      const m = Math.min(batch, n - start);
      const J = runner.lossAndGradient(start, m, grad);
      if (!Number.isFinite(J)) throw diverged(epoch, b + 1, o.learningRateInit, o.solver, `the batch loss is ${J}`);
      accumulated += J * m;
      optimizer.step(params, grad, lr);
    }
    const loss = accumulated / n;
    if (!allFinite(params)) throw diverged(epoch, undefined, o.learningRateInit, o.solver, 'the weights overflowed');
    if (!(loss <= bound)) throw diverged(epoch, undefined, o.learningRateInit, o.solver, `the training loss ${loss.toPrecision(4)} exceeds 10⁴ × that of predicting the class frequencies`);
    result.loss.push(loss);
    result.learningRates.push(lr);
    onProgress?.({ phase: 'epoch', step: epoch, total: o.maxIter, value: loss });

    let monitored = loss;
    if (valIdx && valWs && yVal && wVal) {
      let vl = 0;
      let correct = 0;
      for (let start = 0; start < valIdx.length; start += valWs.capacity) {
        const m = Math.min(valWs.capacity, valIdx.length - start);
        valWs.loadRows(X, p, valIdx, start, m);
        valWs.forward(params, m);
        const probs = valWs.probabilities(m);
        const part = lossFromProbabilities(o.loss, valWs.acts[arch.sizes.length - 1]!, probs, yVal.subarray(start), wVal.subarray(start), m, outputs);
        vl += part.loss;
        correct += part.correct;
      }
      monitored = vl / valWeight;
      result.validationLoss.push(monitored);
      result.validationAccuracy.push(correct / valWeight);
    }

    // scikit-learn's _update_no_improvement_count: a stall is an epoch not better than the best by tol
    if (monitored > best - o.tol) stalled++;
    else stalled = 0;
    if (monitored < best) {
      best = monitored;
      bestEpoch = epoch;
      bestParams?.set(params);
    }
    schedule.epochEnded(epoch);
    if (stalled > limit) {
      if (!schedule.stalled()) {
        reason = valIdx ? 'early_stopping' : 'tol';
        break;
      }
      stalled = 0;
    }
  }
  if (bestParams) params.set(bestParams);
  if (params !== paramsIn) paramsIn.set(params);
  return { ...result, epochs: epoch, reason, bestEpoch: bestParams ? bestEpoch : epoch };
}


/** Loss of the constant prediction p_k = weighted class frequency: the entropy for 'log', ½(1 − Σπ²) for 'mse'. */
function priorLoss(loss: 'log' | 'mse', y: Int32Array, w: Float64Array, rows: Int32Array, K: number): number {
  const pi = new Float64Array(K);
  let total = 0;
  for (let t = 0; t < rows.length; t++) {
    const i = rows[t]!;
    pi[y[i]!]! += w[i]!;
    total += w[i]!;
  }
  let h = 0;
  let sq = 0;
  for (let k = 0; k < K; k++) {
    const q = pi[k]! / total;
    if (q > 0) h -= q * Math.log(q);
    sq += q * q;
  }
  return loss === 'log' ? h : 0.5 * (1 - sq);
}
