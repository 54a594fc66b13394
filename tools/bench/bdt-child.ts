/**
 * The discern side of tools/bench/bdt.ts, in a Node process of its own (started as `node --import tsx/esm`), driven
 * line by line as the scikit-learn side is: {"op":"run"} fits once and answers its wall and CPU seconds,
 * {"op":"auc"} the last model's test AUC, {"op":"threads","threads":N} a fit on 10× the rows on N threads.
 * Why a process of its own: see DiscernProcess (common.ts).
 */
import { HistGradientBoostingClassifier } from '@discern/models';
import { FIT_OPTIONS, ITER, aucOf, magicSplit } from './bdt-data.js';
import { median, replicate, serveCommands } from './common.js';

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

await serveCommands({
  run: () => fit(),
  auc: () => {
    const P = last!.predictProba(s.test);
    return { auc: aucOf(Float64Array.from({ length: s.test.rows }, (_, i) => P.data[2 * i + 1]!), s.ytest), iterations: ITER };
  },
  threads: (cmd) => threads((cmd.threads as number | undefined) ?? 2),
});
