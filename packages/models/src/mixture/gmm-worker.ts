/**
 * Worker-thread entry of the Gaussian mixture's E/M pass (see EmPass in gmm-estep.ts): serves chunks of passes
 * for a pool started by the fitting thread.
 */
import { serveTasks } from '@discern/core';
import { type EmTask, runEmTask } from './gmm-estep.js';

serveTasks((task: EmTask) => runEmTask(task));
