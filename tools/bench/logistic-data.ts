/** The setting both sides of the logistic benchmark share (tools/bench/logistic.ts and its child process). */
export const TOL = 1e-6, MAX_ITER = 1000;
