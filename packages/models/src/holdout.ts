import { type Rng } from '@discern/linalg';
import { DiscernError } from '@discern/core';

/**
 * Stratified hold-out for early stopping (the MLP, the gradient-boosted trees): from each class, round(fraction·n_c)
 * rows go to validation (at most n_c − 1, so every class stays in training). Returns [train, validation] row
 * indices, each in increasing order. No validation row at all is TOO_FEW_SAMPLES naming `estimator`'s options, and so
 * is a fraction that leaves fewer than MIN_TRAINING_ROWS to train on (or half the rows, when there are fewer than twice that).
 */
/** The fewest training rows a hold-out leaves (half the rows when there are fewer than twice this). */
export const MIN_TRAINING_ROWS = 10;

export function stratifiedHoldout(y: Int32Array, nClasses: number, fraction: number, rng: Rng, estimator: string): [Int32Array, Int32Array] {
  const byClass: number[][] = Array.from({ length: nClasses }, () => []);
  for (let i = 0; i < y.length; i++) byClass[y[i]!]!.push(i);
  const isVal = new Uint8Array(y.length);
  let nVal = 0;
  for (const rows of byClass) {
    if (rows.length === 0) continue;
    const take = Math.min(rows.length - 1, Math.round(fraction * rows.length));
    rng.shuffle(rows);
    for (let t = 0; t < take; t++) isVal[rows[t]!] = 1;
    nVal += take;
  }
  if (nVal === 0)
    throw new DiscernError(
      'TOO_FEW_SAMPLES',
      (n) =>
        `${estimator}: ${n.option('earlyStopping')} with ${n.option('validationFraction')} ${fraction} leaves no validation rows out of ${y.length}; use more data, a larger ${n.option('validationFraction')}, or turn ${n.option('earlyStopping')} off`,
      { estimator, rows: y.length, validationFraction: fraction, option: 'validationFraction' },
    );
  // the fit itself needs rows too: a fraction near 1 would train on one row per class, silently
  const nTrain = y.length - nVal;
  const minTrain = Math.min(MIN_TRAINING_ROWS, Math.ceil(y.length / 2));
  if (nTrain < minTrain)
    throw new DiscernError(
      'TOO_FEW_SAMPLES',
      (n) =>
        `${estimator}: ${n.option('earlyStopping')} with ${n.option('validationFraction')} ${fraction} holds out ${nVal} of ${y.length} rows for validation and leaves ${nTrain} to train on; at least ${minTrain} must be left: use a smaller ${n.option('validationFraction')} (e.g. 0.1), or turn ${n.option('earlyStopping')} off`,
      { estimator, rows: y.length, validationFraction: fraction, option: 'validationFraction' },
    );
  const train = new Int32Array(nTrain);
  const val = new Int32Array(nVal);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) if (isVal[i]) val[b++] = i;
  else train[a++] = i;
  return [train, val];
}
