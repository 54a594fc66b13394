/** The worker thread of tune's candidates (see candidates.ts): each task is a list of candidates to cross-validate. */
import { serveTasks } from '@discern/core';
import { type CandidateTask, runCandidates } from './candidates.js';

serveTasks((task: CandidateTask) => runCandidates(task));
