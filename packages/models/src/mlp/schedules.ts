/**
 * Learning-rate schedules, applied to the base rate of either optimiser (for Adam, the bias-corrected step is
 * computed from it). The rate changes only between epochs:
 *   'constant':   lr = learningRateInit.
 *   'invscaling': epoch e (1-based) runs at lr = learningRateInit / e^powerT. scikit-learn counts samples seen
 *                 instead of epochs (lr_init / (n·e + 1)^power_t), which all but stops training after one
 *                 epoch on a large sample; per epoch is the textbook 1/√t decay.
 *   'plateau':    lr is divided by 5 each time the monitored loss has not improved by `tol` for more than
 *                 `nIterNoChange` epochs (scikit-learn's 'adaptive'); when that happens with lr ≤ 1e-6 the fit stops.
 */
export type LearningRateSchedule = 'constant' | 'invscaling' | 'plateau';

export const SCHEDULES: readonly LearningRateSchedule[] = ['constant', 'invscaling', 'plateau'];

/** The smallest rate 'plateau' keeps reducing from, as scikit-learn's 'adaptive'. */
export const PLATEAU_MIN_RATE = 1e-6;

export class Schedule {
  rate: number;
  constructor(
    readonly kind: LearningRateSchedule,
    private readonly init: number,
    private readonly powerT: number,
  ) {
    this.rate = init;
  }

  /** Called after epoch `epoch` (1-based) has finished: sets the rate of the next epoch. */
  epochEnded(epoch: number): void {
    if (this.kind === 'invscaling') this.rate = this.init / Math.pow(epoch + 1, this.powerT);
  }

  /** The monitored loss has stalled. Returns true when training should go on (the rate was reduced). */
  stalled(): boolean {
    if (this.kind !== 'plateau' || this.rate <= PLATEAU_MIN_RATE) return false;
    this.rate /= 5;
    return true;
  }
}
