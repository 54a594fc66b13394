import { createRng } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { MIN_TRAINING_ROWS, stratifiedHoldout } from './holdout.js';

const labels = (perClass: number) => Int32Array.from({ length: 2 * perClass }, (_, i) => i % 2);

describe('stratifiedHoldout', () => {
  it('holds out round(fraction·n_c) rows of each class, the rest train', () => {
    const [train, val] = stratifiedHoldout(labels(50), 2, 0.2, createRng(1), 'est');
    expect(val.length).toBe(20);
    expect(train.length).toBe(80);
  });

  it('refuses a fraction that leaves almost nothing to train on (0.999 of 420 rows would train on 2)', () => {
    let e: unknown;
    try {
      stratifiedHoldout(labels(210), 2, 0.999, createRng(1), 'est');
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(DiscernError);
    expect((e as DiscernError).code).toBe('TOO_FEW_SAMPLES');
    expect((e as DiscernError).message).toBe(
      `est: earlyStopping with validationFraction 0.999 holds out 418 of 420 rows for validation and leaves 2 to train on; at least ${MIN_TRAINING_ROWS} must be left: use a smaller validationFraction (e.g. 0.1), or turn earlyStopping off`,
    );
  });

  it('allows a large fraction that still leaves the minimum, and on few rows asks for half of them', () => {
    // 0.9 of 200 rows: 20 left to train on
    expect(stratifiedHoldout(labels(100), 2, 0.9, createRng(1), 'est')[0].length).toBe(20);
    // 12 rows: at least 6 must train; 0.5 leaves 6, 0.7 leaves 4
    expect(stratifiedHoldout(labels(6), 2, 0.5, createRng(1), 'est')[0].length).toBe(6);
    expect(() => stratifiedHoldout(labels(6), 2, 0.7, createRng(1), 'est')).toThrow(/leaves 4 to train on; at least 6 must be left/);
  });
});
