import { LogisticRegression } from '@discern/models';
import { z } from 'zod';
import { strict } from '../../../config/zod-helpers.js';
import { defineModel } from './spec.js';

export const logisticModel = defineModel({
  name: 'logistic',
  description: 'logistic regression, binary (sigmoid) or multinomial (softmax); solvers lbfgs or gd',
  supervised: true,
  schema: strict({
    solver: z.enum(['lbfgs', 'gd']).default('lbfgs').describe('lbfgs: quasi-Newton to a tolerance; gd: batch gradient descent'),
    loss: z.enum(['log', 'mse']).default('log').describe('mse (gd only) is the squared error of the classic perceptron exercise'),
    learning_rate: z.number().positive().default(0.1).describe('gd step size'),
    epochs: z.number().int().positive().default(1000).describe('gd epochs'),
    tol: z.number().nonnegative().default(1e-6),
    max_iter: z.number().int().positive().default(1000).describe('lbfgs iterations'),
    l2: z.number().nonnegative().default(0).describe('L2 penalty λ on the mean loss (0: unpenalised)'),
    fit_intercept: z.boolean().default(true),
    class_weight: z.union([z.literal('balanced'), z.array(z.number().positive())]).optional(),
  }),
  create: (o) =>
    new LogisticRegression({
      solver: o.solver,
      loss: o.loss,
      learningRate: o.learning_rate,
      epochs: o.epochs,
      tol: o.tol,
      maxIter: o.max_iter,
      l2: o.l2,
      fitIntercept: o.fit_intercept,
      ...(o.class_weight !== undefined ? { classWeight: o.class_weight } : {}),
    }),
});
