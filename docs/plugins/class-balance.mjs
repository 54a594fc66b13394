// An example step plugin: the class balance of datasets, each class's (weighted) fraction with a binomial interval.
// A config loads it with `plugins: [./class-balance.mjs]` (a path relative to the config) and uses it as a step:
//
//   - class-balance: { on: [train, test] }
//
// It shows the whole step contract (docs/plugins.md): `params` (the config entry), `result` (what goes into
// metrics.json, every figure tagged so that the lockfile knows its tolerance), `key`, `plan` (what it needs, checked
// by `discern validate`), `run` and `report` (its section of report.html).
//
// It exports a function of discern's own modules ({ z, core, pipeline }: zod, @discern/core, @discern/pipeline)
// rather than importing them, so that a copy of it runs from any folder, not only inside discern's repository.
export default ({ z, core: { clopperPearson }, pipeline: { fig } }) => {
  const classFigures = z.strictObject({
    /** events of the class (a count: exact in the lock) */
    events: fig.count(),
    /** Σw of the class over Σw of the dataset, with a Clopper–Pearson interval on effective counts (rates: abs 1e-6) */
    fraction: fig.estimate('rate'),
  });

  return {
    name: 'class-balance',
    description: 'the class balance of datasets: events and (weighted) fraction of each class, with a binomial interval',
    params: z.strictObject({
      on: z.array(z.string()).min(1).default(['train', 'test']).describe('datasets to look at'),
      confidence: z.number().gt(0).lt(1).default(0.95).describe('confidence level of the intervals'),
    }),
    result: z.record(z.string(), z.strictObject({ events: fig.count(), classes: z.record(z.string(), classFigures) })),
    key: () => ['class_balance'],
    plan: (p, at) => ({ needs: { datasets: p.on.map((name, i) => ({ name, path: `${at.path}.on[${i}]` })) } }),
    run(ctx, p) {
      const out = {};
      for (const name of p.on) {
        const ds = ctx.dataset(name);
        const K = ds.classNames.length;
        const sum = new Float64Array(K), events = new Array(K).fill(0);
        let total = 0, total2 = 0;
        for (let i = 0; i < ds.rows; i++) {
          const w = ds.weights ? ds.weights[i] : 1;
          sum[ds.y[i]] += w;
          events[ds.y[i]]++;
          total += w;
          total2 += w * w;
        }
        // Effective counts (Σw)²/Σw² make the binomial interval hold for weighted events too.
        const nEff = (total * total) / total2;
        const classes = {};
        ds.classNames.forEach((c, k) => {
          const value = sum[k] / total;
          const ci = clopperPearson(Math.min(nEff, Math.max(0, value * nEff)), nEff, p.confidence);
          classes[c] = { events: events[k], fraction: { value, interval: [ci.lower, ci.upper] } };
        });
        out[name] = { events: ds.rows, classes };
        ctx.say(`class-balance ${name}: ${ds.classNames.map((c) => `${c} ${(100 * classes[c].fraction.value).toFixed(1)} %`).join(', ')}`);
      }
      return out;
    },
    report(result) {
      return {
        title: 'Class balance',
        tables: Object.entries(result).map(([name, d]) => ({
          caption: `class balance of ${name} (${d.events} events)`,
          columns: ['class', 'events', 'fraction'],
          rows: Object.entries(d.classes).map(([c, f]) => [c, f.events, { value: f.fraction.value, interval: f.fraction.interval }]),
        })),
      };
    },
  };
};
