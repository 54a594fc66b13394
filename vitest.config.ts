import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import other workspace packages from their sources (as tsconfig.dev.json does for typecheck),
// so `npm test` needs no build except where a test spawns the built `discern` command.
export default defineConfig({
  resolve: {
    alias: [{ find: /^@discern\/(core|linalg|data|models|metrics|decision|onnx|report|pipeline)$/, replacement: `${root}packages/$1/src/index.ts` }],
  },
  test: {
    include: ['**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
