import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { scoreFile } from '@discern/onnx';
import { z } from 'zod';
import { StepError } from '../context.js';
import { resolveConfigPath } from '../data-loader.js';
import { defineStep } from '../plugin.js';
import { strict } from '../config/zod-helpers.js';

/**
 * Scores a CSV file with any ONNX model — one exported earlier in this run, or a file made by any other tool —
 * streaming it in batches, and evaluates the scores when the file has a label column.
 */
export const scoreStep = defineStep({
  name: 'score',
  description: 'score a CSV file with an ONNX model (exported in this run or any other) through onnxruntime; metrics when labelled',
  schema: strict({
    name: z.string().regex(/^[\w-]+$/).default('onnx').describe('key in metrics.json and the score file name'),
    onnx: z.string().default('model.onnx').describe('an ONNX file exported earlier in this run, or a path relative to the config'),
    data: z.string().optional().describe('CSV to score (relative to the config); default: the test file, or the source file'),
    label: z.string().optional().describe('label column for metrics (default: data.label)'),
    features: z.array(z.string()).min(1).optional().describe("input columns when the model's metadata does not name them"),
    device: z.enum(['cpu', 'gpu', 'auto']).default('cpu'),
    batch: z.number().int().positive().default(65536),
    fpr: z.array(z.number().gt(0).lt(1)).default([]),
    save: z.boolean().default(true).describe('write scores/<name>.csv into the run folder'),
  }),
  async run(ctx, p) {
    const cfg = ctx.config;
    const model = ctx.artifacts.has(p.onnx) ? ctx.artifacts.path(p.onnx) : resolveConfigPath(cfg, p.onnx);
    if (!existsSync(model)) throw new StepError(ctx.step, `ONNX model ${JSON.stringify(p.onnx)} is neither an artifact of this run (add an export step before) nor a file at ${model}`);
    const dataRel = p.data ?? cfg.data.test ?? cfg.data.source;
    if (dataRel === undefined) throw new StepError(ctx.step, 'no CSV file to score: give `data:` (the config has inline rows)');
    const out = `scores/${p.name}.csv`;
    const label = p.label ?? cfg.data.label;
    if (p.save) mkdirSync(dirname(ctx.artifacts.resolve(out)), { recursive: true });
    const result = await scoreFile({
      model,
      data: resolveConfigPath(cfg, dataRel),
      ...(p.features ? { features: p.features } : {}),
      ...(label !== undefined ? { label } : {}),
      ...(p.save ? { out: ctx.artifacts.resolve(out) } : {}),
      device: p.device,
      batch: p.batch,
      fprs: p.fpr.map(String),
    });
    if (p.save) ctx.artifacts.adopt(out);
    // Only deterministic figures go into metrics.json (no timings, no device), so runs stay comparable.
    ctx.metrics[p.name] = { rows: result.rows, outputs: result.outputs, ...(result.metrics ? { metrics: result.metrics } : {}) };
    const m = result.metrics as { auc?: number | null; accuracy?: number } | undefined;
    const line = `score ${p.name}: ${result.rows} rows through ${p.onnx} on ${result.device}${result.notice ? ` (${result.notice})` : ''}${m ? `, AUC ${m.auc?.toFixed(4) ?? 'n/a'}, accuracy ${m.accuracy?.toFixed(4)}` : ''}`;
    ctx.log(line);
    ctx.summary.push(line);
  },
});
