import { type z } from 'zod';
import { StepRegistry } from '../registry.js';
import { type AnyStep } from '../step.js';
import { calibrateStep } from './calibrate/index.js';
import { compareStep } from './compare/index.js';
import { crossvalidateStep } from './crossvalidate/index.js';
import { decideStep } from './decide/index.js';
import { evaluateStep } from './evaluate/index.js';
import { exportStep } from './export/index.js';
import { fitStep } from './fit/index.js';
import { gaussianTestStep } from './gaussian-test/index.js';
import { importanceStep } from './importance/index.js';
import { inspectStep } from './inspect/index.js';
import { predictStep } from './predict/index.js';
import { scoreStep } from './score/index.js';
import { splitStep } from './split/index.js';
import { tuneStep } from './tune/index.js';
import { standardizeStep } from './standardize/index.js';

/**
 * The built-in steps by name: the one list the registry is made from (a new step is a folder and a line here), and
 * the map that types each step's parameters and result end to end.
 */
export const builtinStepMap = {
  standardize: standardizeStep,
  fit: fitStep,
  predict: predictStep,
  evaluate: evaluateStep,
  export: exportStep,
  score: scoreStep,
  split: splitStep,
  decide: decideStep,
  'gaussian-test': gaussianTestStep,
  inspect: inspectStep,
  crossvalidate: crossvalidateStep,
  tune: tuneStep,
  compare: compareStep,
  importance: importanceStep,
  calibrate: calibrateStep,
} as const;

export type BuiltinStepName = keyof typeof builtinStepMap;
/** The parameters a built-in step's `run` receives (its config entry after defaults). */
export type StepParams<N extends BuiltinStepName> = z.output<(typeof builtinStepMap)[N]['params']>;
/** What a built-in step adds to metrics.json. */
export type StepResult<N extends BuiltinStepName> = (typeof builtinStepMap)[N] extends { result: infer R extends z.ZodType } ? z.output<R> : undefined;

export const builtinSteps: readonly AnyStep[] = Object.values(builtinStepMap);

export function createRegistry(): StepRegistry {
  const r = new StepRegistry();
  for (const s of builtinSteps) r.register(s);
  return r;
}
