import { StepRegistry } from '../registry.js';
import { type StepPlugin } from '../plugin.js';
import { evaluateStep } from './evaluate.js';
import { fitStep } from './fit.js';
import { predictStep } from './predict.js';
import { standardizeStep } from './standardize.js';

/** The built-in steps, registered from this one explicit list. */
export const builtinSteps: readonly StepPlugin[] = [standardizeStep, fitStep, predictStep, evaluateStep] as unknown as StepPlugin[];

export function createRegistry(): StepRegistry {
  const r = new StepRegistry();
  for (const s of builtinSteps) r.register(s);
  return r;
}
