/**
 * Worker-thread entry of the logistic loss pass (see logisticObjective in loss.ts): a helper of one fit, which runs
 * the chunks of rows it claims, pass after pass, until the fit ends (team.ts).
 */
import { serveTasks } from '@discern/core';
import { type LossTeamTask, serveLossTeam } from './loss.js';

serveTasks((task: LossTeamTask) => serveLossTeam(task));
