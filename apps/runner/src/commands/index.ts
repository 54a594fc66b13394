import { type RegisterCommand } from '../cli-common.js';
import { registerRun } from './run.js';
import { registerPlugins, registerSchema } from './schema.js';
import { registerValidate } from './validate.js';

/** Every subcommand of `discern`, in the order `discern --help` lists them. */
export const commands: readonly RegisterCommand[] = [registerRun, registerValidate, registerSchema, registerPlugins];
