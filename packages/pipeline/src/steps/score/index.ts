import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { scoreFile } from '@discern/onnx';
import { isDiscernError } from '@discern/core';
import { z } from 'zod';
import { StepError } from '../../context.js';
import { type DataFormat, expandPaths, formatOf } from '@discern/data';
import { pathList, resolveConfigPath } from '../../data/files.js';
import { fig } from '../../figures.js';
import { defineStep } from '../../step.js';
import { strict } from '../../config/zod-helpers.js';
import { classifierFiguresSchema } from '../evaluate/result.js';

/** What `score` adds to metrics.json: only deterministic figures (no timings, no device), so runs stay comparable. */
const scoreResultSchema = z.strictObject({
  rows: fig.count(),
  outputs: z.array(fig.label()),
  metrics: classifierFiguresSchema.partial().optional(),
});

/**
 * Scores data files with any ONNX model — one exported earlier in this run, or a file made by any other tool —
 * streaming them in batches through the config's derived columns (data.define) and preselection (data.cut), as the
 * run's own data, and evaluates the scores when the files have a label column.
 */
export const scoreStep = defineStep({
  name: 'score',
  description: 'score data files (CSV, Parquet, ROOT) with an ONNX model (exported in this run or any other) through onnxruntime; metrics when labelled',
  params: strict({
    name: z.string().max(64).regex(/^[\w-]+$/, 'a name of letters, digits, "-" and "_"').default('onnx').describe('key in metrics.json and the score file name'),
    onnx: z.string().default('model.onnx').describe('an ONNX file exported earlier in this run, or a path relative to the config'),
    data: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe('the data to score, relative to the config: a CSV (.csv.gz too), Parquet or ROOT file, or a list of files and globs, read through data.define and data.cut; default: the test data, or the source data'),
    format: z.enum(['csv', 'parquet', 'root']).optional().describe('the format of the data when the extension says nothing (default: data.format)'),
    tree: z.string().min(1).optional().describe('ROOT: the tree (default: data.tree, or the only tree of the file)'),
    output: z.enum(['csv', 'parquet']).default('csv').describe('the format of scores/<name>.csv or scores/<name>.parquet'),
    label: z.string().optional().describe('label column for metrics (default: data.label)'),
    positive: z.string().optional().describe("binary: the signal class's label in the file, for a model without class metadata"),
    classes: z.array(z.string()).min(2).optional().describe("the label values in the order of the model's outputs, for a model without class metadata"),
    features: z.array(z.string()).min(1).optional().describe("input columns when the model's metadata does not name them"),
    device: z.enum(['cpu', 'gpu', 'auto']).default('cpu'),
    batch: z.number().int().positive().default(65536),
    fpr: z.array(z.number().gt(0).lt(1)).default([]),
    save: z.boolean().default(true).describe('write scores/<name>.csv (or .parquet) into the run folder'),
  }),
  result: scoreResultSchema,
  key: (p) => [p.name],
  plan: (p, at) => ({
    ...(p.data === undefined && at.config.data.test === undefined && at.config.data.source === undefined
      ? { problems: [{ path: `${at.path}.data`, message: `no data file to score: give \`data:\` (the config has ${at.config.data.samples ? 'samples' : 'inline rows'})` }] }
      : {}),
    needs: {
      files: [
        { name: p.onnx, path: `${at.path}.onnx` },
        // a pattern is no file to check here: the run expands it
        ...pathList(p.data)
          .filter((f) => !/[*?[\]{}]/.test(f))
          .map((f, i) => ({ name: f, path: typeof p.data === 'string' ? `${at.path}.data` : `${at.path}.data[${i}]` })),
      ],
    },
    makes: { files: p.save ? [{ name: `scores/${p.name}.${p.output}`, path: `${at.path}.name` }] : [] },
  }),
  async run(ctx, p) {
    const cfg = ctx.config;
    const model = ctx.artifacts.has(p.onnx) ? ctx.artifacts.path(p.onnx) : resolveConfigPath(cfg, p.onnx);
    if (!existsSync(model)) throw new StepError(ctx.step, `ONNX model ${JSON.stringify(p.onnx)} is neither an artifact of this run (add an export step before) nor a file at ${model}`);
    const dataRel = p.data ?? cfg.data.test ?? cfg.data.source;
    if (dataRel === undefined) throw ctx.config.error(`steps[${ctx.step.index}].score.data`, 'no data file to score: give `data:` (the config has inline rows or samples)');
    const files = await expandPaths(pathList(dataRel), cfg.dir, p.data !== undefined ? `steps[${ctx.step.index}].score.data` : cfg.data.test !== undefined ? 'data.test' : 'data.source');
    const format = p.format ?? cfg.data.format;
    // the config's tree is the default for ROOT files only (a CSV file scored here has none)
    const tree = p.tree ?? (files.every((f) => formatOf(f, format as DataFormat | undefined) === 'root') ? cfg.data.tree : undefined);
    const out = `scores/${p.name}.${p.output}`;
    const label = p.label ?? cfg.data.label;
    if (p.save) mkdirSync(dirname(ctx.artifacts.resolve(out)), { recursive: true });
    const path = `steps[${ctx.step.index}].score`;
    const result = await scoreFile({
      model,
      data: files,
      ...(format !== undefined ? { format } : {}),
      ...(tree !== undefined ? { tree } : {}),
      ...(p.features ? { features: p.features } : {}),
      ...(label !== undefined ? { label } : {}),
      // the run's derived columns and preselection, as its own data went through them
      ...(cfg.data.define ? { define: Object.entries(cfg.data.define).map(([name, expression]) => ({ name, expression, what: `data.define.${name}` })) } : {}),
      ...(cfg.data.cut !== undefined ? { cut: cfg.data.cut, cutMissing: cfg.data.missing } : {}),
      ...(p.positive !== undefined ? { positive: p.positive } : {}),
      ...(p.classes !== undefined ? { classes: p.classes } : {}),
      ...(p.save ? { out: ctx.artifacts.resolve(out) } : {}),
      device: p.device,
      batch: p.batch,
      ...(ctx.execution.threads !== undefined ? { threads: ctx.execution.threads } : {}),
      fprs: p.fpr.map(String),
    }).catch((e: unknown) => {
      // scoreFile's options in the config's terms: fprs → steps[i].score.fpr
      throw isDiscernError(e) ? e.renamed({ option: (o) => `${path}.${o === 'fprs' ? 'fpr' : o === 'out' ? 'save' : o}` }, { configPath: path }) : e;
    });
    if (p.save) ctx.artifacts.adopt(out);
    // Only deterministic figures go into metrics.json (no timings, no device), so runs stay comparable.
    const figures = { rows: result.rows, outputs: result.outputs, ...(result.metrics ? { metrics: result.metrics } : {}) };
    const m = result.metrics as { auc?: number | null; accuracy?: number } | undefined;
    const line = `score ${p.name}: ${result.rows} rows through ${p.onnx} on ${result.device}${result.notice ? ` (${result.notice})` : ''}${m ? `, AUC ${m.auc?.toFixed(4) ?? 'n/a'}, accuracy ${m.accuracy?.toFixed(4)}` : ''}`;
    ctx.say(line);
    return figures as z.output<typeof scoreResultSchema>;
  },
});
