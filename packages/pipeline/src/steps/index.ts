import { StepRegistry } from '../registry.js';
import { type StepPlugin } from '../plugin.js';
import { decideStep } from './decide.js';
import { evaluateStep } from './evaluate.js';
import { exportStep } from './export.js';
import { fitStep } from './fit.js';
import { gaussianTestStep } from './gaussian.js';
import { predictStep } from './predict.js';
import { splitStep } from './split.js';
import { scoreStep } from './score.js';
import { standardizeStep } from './standardize.js';

/** The built-in steps, registered from this one explicit list. */
export const builtinSteps: readonly StepPlugin[] = [standardizeStep, fitStep, predictStep, evaluateStep, exportStep, scoreStep, splitStep, decideStep, gaussianTestStep] as unknown as StepPlugin[];

export function createRegistry(): StepRegistry {
  const r = new StepRegistry();
  for (const s of builtinSteps) r.register(s);
  return r;
}
