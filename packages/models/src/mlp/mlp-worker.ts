/**
 * Worker-thread entry of the MLP's mini-batches (see BatchRunner in batches.ts): computes the second half of
 * batches for a pool started by the fitting thread.
 */
import { serveTasks } from '@discern/core';
import { type HalfBatchTask, runHalfBatch } from './batches.js';

serveTasks((task: HalfBatchTask) => runHalfBatch(task));
