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

const dataShape = strict({
  source: z.string().min(1).optional().describe('one CSV file, split into train and test by `split`'),
  train: z.string().min(1).optional().describe('training CSV file (with `test`, replaces `source` and `split`)'),
  test: z.string().min(1).optional().describe('test CSV file'),
  rows: z
    .array(z.union([z.record(z.string(), cell), z.array(cell)]))
    .min(1)
    .optional()
    .describe('inline rows (maps, or lists with `columns`) for tiny examples'),
  columns: z.array(z.string()).min(1).optional().describe('column names for list-form `rows`'),
  label: z.string().min(1).optional().describe('the class column; leave out for clustering'),
  positive: z.union([z.string(), z.number()]).transform(String).optional().describe('the signal class (binary problems)'),
  features: z.array(z.string()).min(1).optional().describe('default: every numeric column but the label and weight'),
  weight: z.string().min(1).optional().describe('column of per-event weights (may be negative)'),
  missing: z.enum(['error', 'drop', 'keep']).default('error').describe('what to do with empty/NA/? cells in features'),
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

/**
 * Where the rows come from: train and test files (both; they take precedence over `source`, so that
 * `--set data.train=a.csv --set data.test=b.csv` turns a split config into a two-file one), or one source file, or
 * inline rows.
 */
export const dataSchema = dataShape.superRefine((d, ctx) => {
  if (d.train !== undefined || d.test !== undefined) {
    if (d.train === undefined || d.test === undefined)
      ctx.addIssue({ code: 'custom', path: [d.train === undefined ? 'train' : 'test'], message: `give both train and test files (got only ${d.train !== undefined ? 'train' : 'test'}), or one source file with a split`, input: undefined });
    return;
  }
  if (d.source === undefined && d.rows === undefined)
    ctx.addIssue({ code: 'custom', path: [], message: 'give the data: a source file (split into train and test by `split`), train and test files, or inline rows', input: d });
  else if (d.source !== undefined && d.rows !== undefined) ctx.addIssue({ code: 'custom', path: ['rows'], message: 'give either a source file or inline rows, not both', input: d.rows });
  else if (d.rows !== undefined && d.rows.some(Array.isArray) && d.columns === undefined)
    ctx.addIssue({ code: 'custom', path: ['columns'], message: 'inline rows given as lists need `columns: [names…]`', input: undefined });
});

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
