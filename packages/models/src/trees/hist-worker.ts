/**
 * Worker-thread entry of the boosted trees' helper threads: serves one fit's workspace (work.ts) from its first
 * iteration to its last (see team.ts).
 */
import { serveTasks } from '@discern/core';
import { type Workspace, serveWorkspace } from './work.js';

serveTasks((task: { ws: Workspace }) => serveWorkspace(task.ws));
