import cliProgress from 'cli-progress';

/** What an estimator reports (the `Progress` of @discern/models): epochs, EM iterations, restarts, scoring batches. */
export interface ProgressEvent {
  readonly phase: string;
  readonly step: number;
  readonly total: number;
  readonly value?: number;
}

export type ProgressFactory = (label: string) => ((p: ProgressEvent) => void) | undefined;

/** Bars go to a terminal only: never when stderr is piped or redirected, never with --quiet or --json. */
export function progressEnabled(o: { isTTY: boolean; quiet?: boolean | undefined; json?: boolean | undefined }): boolean {
  return o.isTTY && !o.quiet && !o.json;
}

/** The phases seen so far for one bar, outermost (restarts) first. */
export interface ProgressState {
  readonly label: string;
  /** phase → latest step/total; insertion order is the order phases were first seen. */
  readonly phases: ReadonlyMap<string, { step: number; total: number }>;
  readonly value?: number;
}

/** Phases that wrap others (a restart contains iterations): they drive the bar when present. */
const OUTER = ['init', 'class', 'restart', 'batch'];
const NAMES: Record<string, string> = { init: 'restart', iteration: 'iteration', epoch: 'epoch', class: 'class', batch: 'batch' };

function fraction(state: ProgressState): number {
  const outer = OUTER.map((p) => state.phases.get(p)).find((x) => x !== undefined);
  const inner = [...state.phases.entries()].filter(([k]) => !OUTER.includes(k)).map(([, v]) => v)[0];
  if (outer && outer.total > 0) {
    // a finished restart counts whole; the one under way counts by its iterations
    const done = Math.min(outer.step, outer.total);
    const within = inner && inner.total > 0 && outer.step < outer.total ? Math.min(inner.step / inner.total, 1) : 0;
    return Math.min(1, (done + within) / outer.total);
  }
  if (inner && inner.total > 0) return Math.min(1, inner.step / inner.total);
  return 0;
}

function formatValue(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(5);
}

/**
 * One line of a progress bar: `fit model  [██████░░░░░░]  50 %  epoch 100/200  loss 0.41235`. Pure, so the
 * rendering is testable without a terminal; `width` is the bar's width in characters.
 */
export function renderProgress(state: ProgressState, width = 24): string {
  const f = fraction(state);
  const full = Math.round(f * width);
  const bar = `[${'█'.repeat(full)}${'░'.repeat(width - full)}]`;
  const counts = [...state.phases.entries()]
    .sort(([a], [b]) => Number(!OUTER.includes(a)) - Number(!OUTER.includes(b)))
    .map(([phase, { step, total }]) => `${NAMES[phase] ?? phase} ${step}/${total}`)
    .join(' · ');
  const value = state.value !== undefined && Number.isFinite(state.value) ? `  ${formatValue(state.value)}` : '';
  return `${state.label}  ${bar} ${String(Math.round(100 * f)).padStart(3)} %  ${counts}${value}`;
}

export interface ProgressReporter {
  /** For runPipeline's `progress` option: a callback per labelled piece of work, or undefined when disabled. */
  readonly factory: ProgressFactory;
  /** Clears the bar (call when the work is done or failed). */
  stop(): void;
}

const disabled: ProgressReporter = { factory: () => undefined, stop: () => {} };

/**
 * Progress bars on stderr (cli-progress, redrawn at most 10 times a second) when `enabled`; otherwise callbacks
 * are undefined, so estimators skip reporting altogether.
 */
export function progressReporter(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!enabled) return disabled;
  let bar: cliProgress.SingleBar | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  const factory: ProgressFactory = (label) => {
    stop();
    const phases = new Map<string, { step: number; total: number }>();
    let value: number | undefined;
    const b = new cliProgress.SingleBar({
      stream,
      fps: 10,
      clearOnComplete: true,
      hideCursor: false, // an interrupted run must not leave the terminal without a cursor
      linewrap: false,
      format: () => renderProgress({ label, phases, ...(value !== undefined ? { value } : {}) }, Math.max(10, Math.min(30, (stream.columns || 80) - 56))),
    });
    b.start(1000, 0);
    bar = b;
    return (p) => {
      phases.set(p.phase, { step: p.step, total: p.total });
      if (p.value !== undefined) value = p.value;
      if (bar === b) b.update(Math.round(1000 * fraction({ label, phases })));
    };
  };
  return { factory, stop };
}
