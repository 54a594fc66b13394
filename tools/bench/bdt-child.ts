/**
 * The discern side of tools/bench/bdt.ts, in a Node process of its own (started as `node --import tsx/esm`), driven
 * line by line as the scikit-learn side is: {"op":"run"} fits once and answers its wall and CPU seconds,
 * {"op":"auc"} the last model's test AUC, {"op":"threads","threads":N} a fit on 10× the rows on N threads.
 *
 * Why a process of its own: the benchmark harness runs under tsx's command line, whose CommonJS hook, once ml-matrix
 * (a dependency of @discern/linalg) is loaded through it, makes every typed-array loop of that process ~25 % slower
 * (measured on the fit's histogram loop: 2.4 → 3.1 ns per update; the same sources loaded by `node --import tsx/esm`,
 * or built, run at full speed). discern's command runs built code, without that hook; so does this process.
 */
import { createInterface } from 'node:readline';
import { HistGradientBoostingClassifier } from '@discern/models';
import { FIT_OPTIONS, ITER, aucOf, magicSplit } from './bdt-data.js';
import { median, replicate } from './common.js';

const s = magicSplit();
let last: HistGradientBoostingClassifier | undefined;

function fit(): { wall: number; cpu: number; iterations: number } {
  const m = new HistGradientBoostingClassifier(FIT_OPTIONS);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  m.fit(s.train, s.ytrain);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  last = m;
  return { wall, cpu: (c.user + c.system) / 1e6, iterations: m.nIter };
}

function threads(n: number): { one: number; many: number; rows: number } {
  const big = replicate(s.train, 10);
  const y = new Int32Array(big.rows);
  for (let t = 0; t < 10; t++) y.set(s.ytrain, t * s.train.rows);
  const time = (k: number) => {
    const t0 = performance.now();
    new HistGradientBoostingClassifier({ ...FIT_OPTIONS, maxIter: 20 }).fit(big, y, { threads: k });
    return (performance.now() - t0) / 1000;
  };
  time(n); // start the workers, warm the code
  const one: number[] = [], many: number[] = [];
  for (let r = 0; r < 3; r++) {
    one.push(time(1));
    many.push(time(n));
  }
  return { one: median(one), many: median(many), rows: big.rows };
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const cmd = JSON.parse(line) as { op: string; threads?: number };
  let res: unknown;
  try {
    if (cmd.op === 'run') res = fit();
    else if (cmd.op === 'auc') {
      const P = last!.predictProba(s.test);
      res = { auc: aucOf(Float64Array.from({ length: s.test.rows }, (_, i) => P.data[2 * i + 1]!), s.ytest), iterations: ITER };
    } else if (cmd.op === 'threads') res = threads(cmd.threads ?? 2);
    else throw new Error(`unknown op ${cmd.op}`);
    process.stdout.write(JSON.stringify({ ok: res }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + '\n');
  }
}
