import { type RegisterCommand } from '../cli-common.js';
import { registerExport } from './export.js';
import { registerInit } from './init.js';
import { registerReproduce } from './reproduce.js';
import { registerRun } from './run.js';
import { registerScore } from './score.js';
import { registerPlugins, registerSchema } from './schema.js';
import { registerValidate } from './validate.js';

/** Every subcommand of `discern`, in the order `discern --help` lists them. */
export const commands: readonly RegisterCommand[] = [registerRun, registerValidate, registerScore, registerExport, registerSchema, registerPlugins, registerReproduce, registerInit];
