/**
 * Worker-thread entry of the logistic loss pass (see logisticObjective in loss.ts): computes chunks of rows for a
 * pool started by the fitting thread.
 */
import { serveTasks } from '@discern/core';
import { type LossTask, runLossTask } from './loss.js';

serveTasks((task: LossTask) => runLossTask(task));
