/**
 * Worker-thread entry of the boosted trees' helper threads: serves one fit's workspace (work.ts) from its first
 * iteration to its last (see team.ts).
 */
import { serveTasks } from '@discern/core';
import { serveFit } from './grower.js';
import { type Workspace } from './work.js';

serveTasks((task: { ws: Workspace }) => serveFit(task.ws));
