import { DATA_FORMATS, isDiscernError, parseExpression } from './schema-data.js';
import { z } from 'zod';
import { strict } from './zod-helpers.js';

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const splitSchema = z.union([
  z.literal('none').describe('train and test are the same rows (tiny examples such as a truth table)'),
  strict({
    test: z
      .number()
      .gt(0, 'a fraction of the rows in (0, 1), or a whole number of test rows ≥ 2')
      .refine((t) => t < 1 || (Number.isInteger(t) && t >= 2), {
        error: (iss) =>
          iss.input === 1
            ? 'a fraction of the rows in (0, 1), or a whole number of test rows ≥ 2; 1 is ambiguous (all rows, or one row?): write 0.3 for a share, 30 for a count'
            : 'a fraction of the rows in (0, 1), or a whole number of test rows ≥ 2',
      })
      .describe('test fraction in (0, 1), or a whole number of test rows ≥ 2'),
    stratify: z.boolean().default(true),
  }),
]);

/** One file, or a list of files and glob patterns read as one data set (the same columns in each). */
const files = (what: string) =>
  z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe(`${what}: a file, or a list of files and glob patterns (sig_*.parquet) read as one data set with the same columns`);

/**
 * An expression of the data's columns (data.define, data.cut, a sample's weight and cut), parsed here, when the config
 * is checked: a syntax error is a config error at its key, saying the character position in the expression. Whether
 * the columns it names exist is known once the file is read (a run-time config error at the same key).
 */
const expression = (what: string) =>
  z
    .string()
    .superRefine((text, ctx) => {
      try {
        parseExpression(text, what);
      } catch (e) {
        if (!isDiscernError(e)) throw e;
        const problem = typeof e.context.problem === 'string' ? e.context.problem : e.message;
        const at = typeof e.context.position === 'number' ? e.context.position : undefined;
        const shown = at !== undefined ? ` (${text.slice(Math.max(0, at - 41), at - 1)}▸${text.slice(at - 1, at + 19)})` : '';
        // input left out: the message shows the place in the expression already
        ctx.addIssue({ code: 'custom', message: `cannot parse the expression: ${problem}${at !== undefined ? `, at character ${at} of the expression${shown}` : ''}`, input: undefined });
      }
    })
    .describe(what);

const sampleSchema = strict({
  name: z.string().min(1).max(64).optional().describe('the sample in the cut-flow table and the manifest (default: the file name)'),
  path: files('the sample'),
  format: z.enum(DATA_FORMATS as ['csv', 'parquet', 'root']).optional().describe('csv, parquet or root, when the extension says nothing'),
  tree: z.string().min(1).optional().describe('ROOT: the tree (default: the only tree of the file)'),
  class: z.union([z.string().min(1), z.number()]).transform(String).describe('the class of every event of the sample'),
  weight: z
    .union([z.number(), expression('the weight of the sample')])
    .optional()
    .describe('per-event weight: a number (cross-section × luminosity / events generated) or an expression ("EventWeight * 0.0153")'),
  cut: expression('the cut of the sample').optional().describe("the sample's own preselection, applied after data.cut"),
  role: z.enum(['train', 'test']).optional().describe("the sample's events all train or all test (then every sample says its role); default: split by `split`"),
});

const dataShape = strict({
  source: files('one data set, split into train and test by `split`').optional(),
  train: files('the training data (with `test`, replaces `source` and `split`)').optional(),
  test: files('the test data').optional(),
  samples: z
    .array(sampleSchema)
    .min(1, 'give at least one sample (a file or glob with its class)')
    .optional()
    .describe("samples per process (TMVA's AddSignalTree/AddBackgroundTree): each file or glob with its class, weight and cut; replaces source, train and test"),
  format: z.enum(DATA_FORMATS as ['csv', 'parquet', 'root']).optional().describe('csv, parquet or root, when the extension says nothing (.csv, .csv.gz, .tsv, .parquet, .pq and .root need none)'),
  tree: z.string().min(1).optional().describe('ROOT: the tree to read (default: the only tree of the file)'),
  define: z
    .record(z.string().min(1).max(200), expression('a derived column'))
    .optional()
    .describe('derived columns by expression, in order (a later one may use an earlier one): usable as features, label, weight and in cuts'),
  cut: expression('the preselection').optional().describe('preselection applied to every file and sample: rows where it is false are dropped ("pt1 > 20 && abs(eta1) < 2.4")'),
  rows: z
    .array(z.union([z.record(z.string(), cell), z.array(cell)]))
    .min(1)
    .optional()
    .describe('inline rows (maps, or lists with `columns`) for tiny examples'),
  columns: z.array(z.string()).min(1).optional().describe('column names for list-form `rows`'),
  label: z.string().min(1).optional().describe('the class column; leave out for clustering (with samples: the name of the class column they make, default "class")'),
  positive: z.union([z.string(), z.number()]).transform(String).optional().describe('the signal class (binary problems)'),
  features: z
    .array(z.string())
    .min(1)
    .optional()
    .describe('default: every numeric column but the label and weight; an array element or reduction (Muon_Px[0], length(Jet_Px)) is computed as a derived column'),
  weight: z.string().min(1).optional().describe('column of per-event weights (may be negative); with samples, multiplied by each sample\'s weight'),
  missing: z.enum(['error', 'drop', 'keep']).default('error').describe('what to do with empty/NA/? cells in features (and with rows a cut cannot decide)'),
  categorical: z.enum(['error', 'codes', 'onehot']).default('error').describe('how categorical feature columns become numbers'),
  delimiter: z.enum([',', ';', '\t']).optional(),
  missing_values: z.array(z.string()).optional().describe('cell texts that mean "missing" (default: empty, NA, ?)'),
  encoding: z.enum(['utf8', 'latin1']).default('utf8').describe('text encoding of the data files; a byte that is not UTF-8 is an error naming its line unless latin1 is given'),
  max_line_bytes: z
    .number()
    .int()
    .min(1)
    .max(536_870_888)
    .default(64 * 1024 * 1024)
    .describe('the longest line (record) of a data file, in bytes (default 64 MiB): a longer one is an error, so a file without line breaks cannot exhaust memory'),
  split: splitSchema.default({ test: 0.3, stratify: true }),
});

/** Names that would be mistaken for an expression's operators: a derived column is named like a column of a file. */
const DEFINE_NAME = /^[A-Za-z_][\w.]*$/;

/**
 * Where the rows come from: train and test files (both; they take precedence over `source`, so that
 * `--set data.train=a.csv --set data.test=b.csv` turns a split config into a two-file one), or one source file, or
 * inline rows, or samples per process.
 */
export const dataSchema = dataShape
  .superRefine((d, ctx) => {
    for (const name of Object.keys(d.define ?? {}))
      if (!DEFINE_NAME.test(name))
        ctx.addIssue({ code: 'custom', path: ['define', name], message: `a derived column is named with letters, digits, "_" and "." (starting with a letter or "_"), got ${JSON.stringify(name)}`, input: name });
    // defines are computed in order: each may use the file's columns and the defines above it
    const defines = Object.entries(d.define ?? {});
    defines.forEach(([name, text], i) => {
      let used: readonly string[];
      try {
        used = parseExpression(text).columns;
      } catch {
        return; // a syntax error is reported at this key already
      }
      for (const c of new Set(used)) {
        const j = defines.findIndex(([n]) => n === c);
        if (j === i) ctx.addIssue({ code: 'custom', path: ['define', name], message: `${name} uses itself; a derived column is computed from the file's columns and the defines above it`, input: undefined });
        else if (j > i)
          ctx.addIssue({
            code: 'custom',
            path: ['define', name],
            message: `uses ${c}, which is defined after it (data.define.${c}); defines are computed in order, each from the file's columns and the defines above it: move ${c} above ${name}`,
            input: undefined,
          });
      }
    });
    if (d.samples !== undefined) {
      for (const k of ['source', 'train', 'test', 'rows'] as const)
        if (d[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `give either samples or ${k}, not both: samples name their files themselves`, input: d[k] });
      // no sample at all is said once, at data.samples (its min(1)): no class, role or name to check
      if (d.samples.length === 0) return;
      const roles = d.samples.map((s) => s.role);
      if (roles.some((r) => r !== undefined) && roles.some((r) => r === undefined))
        ctx.addIssue({
          code: 'custom',
          path: ['samples', roles.findIndex((r) => r === undefined), 'role'],
          message: 'some samples say their role (train or test) and this one does not: give every sample a role, or none (then they are split by `split`)',
          input: undefined,
        });
      else if (roles[0] !== undefined && (!roles.includes('train') || !roles.includes('test')))
        ctx.addIssue({ code: 'custom', path: ['samples'], message: `every sample has role ${roles[0]}: at least one sample must train and one test`, input: d.samples });
      const names = d.samples.map((s, i) => s.name ?? `#${i}`);
      names.forEach((n, i) => {
        if (names.indexOf(n) !== i) ctx.addIssue({ code: 'custom', path: ['samples', i, 'name'], message: `two samples are named ${JSON.stringify(n)}; give each its own name`, input: n });
      });
      const classes = [...new Set(d.samples.map((s) => s.class))];
      if (d.positive !== undefined && !classes.includes(d.positive))
        ctx.addIssue({ code: 'custom', path: ['positive'], message: `the positive class ${JSON.stringify(d.positive)} is not the class of any sample${classes.length > 0 ? ` (${classes.map((c) => JSON.stringify(c)).join(', ')})` : ''}`, input: undefined });
      return;
    }
    if (d.train !== undefined || d.test !== undefined) {
      if (d.train === undefined || d.test === undefined)
        ctx.addIssue({ code: 'custom', path: [d.train === undefined ? 'train' : 'test'], message: `give both train and test files (got only ${d.train !== undefined ? 'train' : 'test'}), or one source file with a split`, input: undefined });
      return;
    }
    if (d.source === undefined && d.rows === undefined)
      ctx.addIssue({ code: 'custom', path: [], message: 'give the data: a source file (split into train and test by `split`), train and test files, inline rows, or samples', input: d });
    else if (d.source !== undefined && d.rows !== undefined) ctx.addIssue({ code: 'custom', path: ['rows'], message: 'give either a source file or inline rows, not both', input: d.rows });
    else if (d.rows !== undefined && d.rows.some(Array.isArray) && d.columns === undefined)
      ctx.addIssue({ code: 'custom', path: ['columns'], message: 'inline rows given as lists need `columns: [names…]`', input: undefined });
  })
  // samples make the class column: the steps see a label as with any labelled data
  .transform((d) => (d.samples !== undefined && d.label === undefined ? { ...d, label: 'class' } : d));

export const reportSchema = strict({
  plots: z.boolean().default(true).describe('draw the plots (plots/*.svg, embedded in report.html); false: tables only, faster'),
  png: z.boolean().default(true).describe('also write each plot as PNG (plots/*.png)'),
  cluster_features: z.array(z.string()).length(2).optional().describe('the two features of cluster plots (default: the first two)'),
});

export const configSchema = strict({
  name: z
    .string()
    .max(100, 'a name of at most 100 characters (it names the run folder)')
    .regex(/^[A-Za-z0-9][\w.-]*$/, 'a name of letters, digits, "-", "_" and "." (it names the run folder)')
    .describe('run name; the default run folder is runs/<name>'),
  description: z.string().optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0).describe('one seed makes the whole run deterministic'),
  data: dataSchema,
  plugins: z.array(z.string().min(1)).optional().describe('local plugin modules (paths relative to the config); they run code: trust the config'),
  steps: z.array(z.unknown()).min(1).describe('the steps, in order; each a map of one step name to its parameters'),
  report: reportSchema.default({ plots: true, png: true }).describe('report.html and the plots written after the last step'),
});

export type DataConfig = z.output<typeof dataSchema>;
export type ReportConfig = z.output<typeof reportSchema>;
export type SplitConfig = z.output<typeof splitSchema>;
export type BaseConfig = z.output<typeof configSchema>;
