import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CONFIG_DOC, configReference } from './config-reference.js';

it('docs/config.md is up to date with the schemas (regenerate: npm run docs)', () => {
  expect(readFileSync(CONFIG_DOC, 'utf8')).toBe(configReference());
});
