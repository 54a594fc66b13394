#!/usr/bin/env node
// The `discern` command. The TypeScript sources are compiled to dist/ by `npm ci` (the root package's prepare
// script) or `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('discern is not built yet: run `npm run build` in the repository root (npm ci does it too).');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
