import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiscernError, assertNotInput, writeFileAtomic } from '@discern/core';
import { type RegisterCommand, display, globals } from '../cli-common.js';
import { checkInputFile, checkOutputFile } from '../paths.js';

export const registerInit: RegisterCommand = (ctx) => {
  ctx.program
    .command('init')
    .description('write a commented starter config for a data file (CSV, Parquet, ROOT), after looking at its columns, label candidates and class balance')
    .argument('<data>', 'a CSV file with a header row (.csv.gz too), a Parquet file or a ROOT file')
    .option('-o, --out <config>', 'where to write the config (default: <data name>.yaml in the current folder)')
    .option('-l, --label <column>', 'the class column (default: the best candidate found)')
    .option('--format <csv|parquet|root>', 'the format of the data when its extension says nothing')
    .option('--tree <name>', 'ROOT: the tree to read (default: the only tree of the file)')
    .option('-f, --force', 'overwrite an existing config file')
    .action(async (data: string, opts: { out?: string; label?: string; format?: string; tree?: string; force?: boolean }) => {
      if (opts.format !== undefined && !['csv', 'parquet', 'root'].includes(opts.format))
        throw new DiscernError('INVALID_ARGUMENT', `--format must be csv, parquet or root, got ${JSON.stringify(opts.format)}`, { option: '--format', value: opts.format });
      const { fileStem } = await import('@discern/pipeline');
      const out = resolve(opts.out ?? `${fileStem(data)}.yaml`);
      const what = opts.out !== undefined ? '--out' : 'the config to write';
      checkInputFile(data, 'the data file');
      checkOutputFile(out, what);
      // The data file is never overwritten, --force or not.
      assertNotInput({ path: out, what, kind: 'file' }, [{ path: resolve(data), what: 'the data file' }]);
      if (existsSync(out) && !opts.force)
        throw new DiscernError('OUTPUT_EXISTS', `${display(out)} already exists; choose another file with --out or pass --force to overwrite it`, { out });
      const { starterConfig } = await import('@discern/pipeline');
      const starter = await starterConfig(data, {
        configPath: out,
        ...(opts.label !== undefined ? { label: opts.label } : {}),
        ...(opts.format !== undefined ? { format: opts.format as 'csv' | 'parquet' | 'root' } : {}),
        ...(opts.tree !== undefined ? { tree: opts.tree } : {}),
      });
      writeFileAtomic(out, starter.text);
      if (globals(ctx).quiet) return;
      const d = starter.description;
      ctx.output.out(`wrote ${display(out)}: ${d.rows} rows, ${starter.features.length} features, ${starter.label !== undefined ? `label '${starter.label}'` : 'no label (clustering)'}`);
      ctx.output.out(`next: discern validate ${display(out)}  then  discern run ${display(out)}`);
    });
};
