// Flat ESLint config for the whole workspace. The module-boundary rule turns DESIGN.md's
// dependency direction (core <- linalg <- data, models, metrics, decision <- onnx, report <- pipeline <- runner)
// into a lint error, using the nx project tags in each project.json.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', 'runs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'layer:data', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'layer:models', onlyDependOnLibsWithTags: ['type:core'] },
            // metrics and decision work on scores and labels: they never import models
            { sourceTag: 'layer:metrics', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'layer:decision', onlyDependOnLibsWithTags: ['type:core'] },
            {
              sourceTag: 'layer:export',
              onlyDependOnLibsWithTags: ['type:core', 'layer:data', 'layer:models', 'layer:metrics', 'layer:decision'],
            },
            {
              sourceTag: 'layer:pipeline',
              onlyDependOnLibsWithTags: ['type:core', 'layer:data', 'layer:models', 'layer:metrics', 'layer:decision', 'layer:export'],
            },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:core', 'type:lib'] },
            // simulators, benchmarks and doc generators use any library, and nothing depends on them
            { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['type:core', 'type:lib'] },
          ],
        },
      ],
    },
  },
);
