/**
 * Worker-thread entry of the histogram pass of the boosted trees (see HistogramBuilder in histogram.ts): builds
 * chunks of a node's rows for a pool started by the fitting thread.
 */
import { serveTasks } from '@discern/core';
import { type HistTask, runHistTask } from './histogram.js';

serveTasks((task: HistTask) => runHistTask(task));
