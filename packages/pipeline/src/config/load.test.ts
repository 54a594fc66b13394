import { DiscernError } from '@discern/core';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../steps/index.js';
import { parseConfig } from './load.js';
import { parseOverride } from './overrides.js';

const registry = createRegistry();

const VALID = `name: t
seed: 3
data:
  source: a.csv
  label: class
  positive: g
steps:
  - standardize: {}
  - fit: { model: logistic, solver: lbfgs }
  - evaluate: { fpr: [0.01, 0.1] }
`;

function configError(text: string, sets: string[] = []): DiscernError {
  try {
    parseConfig(text, '/cfg/magic.yaml', registry, sets.map(parseOverride));
  } catch (e) {
    expect(e).toBeInstanceOf(DiscernError);
    return e as DiscernError;
  }
  throw new Error('expected a config error');
}

describe('parseConfig', () => {
  it('accepts a valid config, fills defaults and validates step parameters', () => {
    const c = parseConfig(VALID, '/cfg/magic.yaml', registry);
    expect(c.name).toBe('t');
    expect(c.seed).toBe(3);
    expect(c.data.split).toEqual({ test: 0.3, stratify: true });
    expect(c.data.missing).toBe('error');
    expect(c.steps.map((s) => s.name)).toEqual(['standardize', 'fit', 'evaluate']);
    expect(c.steps[1]!.params).toMatchObject({ model: 'logistic', solver: 'lbfgs', name: 'model', l2: 0, fit_intercept: true });
    expect(c.steps[2]!.params).toMatchObject({ fpr: [0.01, 0.1], on: ['train', 'test'] });
    expect(c.dir).toBe('/cfg');
    expect(c.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('malformed YAML is CONFIG_PARSE with file, line and column', () => {
    const e = configError('name: t\nsteps: [\n  - fit: {\n');
    expect(e.code).toBe('CONFIG_PARSE');
    expect(e.message).toMatch(/magic\.yaml:\d+:\d+/);
  });

  it('an unknown key names the key, its path, its line and the accepted keys', () => {
    const e = configError(VALID.replace('  label: class', '  label: class\n  lable: class'));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('unknown key "lable"');
    expect(e.message).toContain('accepted keys:');
    expect(e.message).toContain('→ at data');
    expect(e.message).toContain('(magic.yaml:6:3)');
  });

  it('an unknown key inside a step parameter map is an error too', () => {
    const e = configError(VALID.replace('solver: lbfgs', 'solver: lbfgs, learnin_rate: 0.1'));
    expect(e.message).toContain('unknown key "learnin_rate"');
    expect(e.message).toContain('did you mean "learning_rate"');
    expect(e.message).toContain('→ at steps[1].fit');
  });

  it('a wrong type names the expected type, the value written, the path and the line', () => {
    const e = configError(VALID.replace('fpr: [0.01, 0.1]', 'fpr: [0.01, "0.o5"]'));
    expect(e.message).toContain('✖ expected number, got "0.o5" → at steps[2].evaluate.fpr[1] (magic.yaml:10:29)');
  });

  it('an unknown step and an unknown model list what is accepted', () => {
    expect(configError(VALID.replace('- standardize: {}', '- standardise: {}')).message).toMatch(/unknown step "standardise" \(did you mean "standardize"\?\); registered steps: .*fit/);
    expect(configError(VALID.replace('model: logistic', 'model: logistik')).message).toMatch(/unknown model "logistik" \(did you mean "logistic"\?\); accepted: logistic/);
  });

  it('missing required keys are reported with their path', () => {
    const e = configError('name: t\nsteps:\n  - fit: { model: logistic }\n');
    expect(e.message).toContain('missing required key');
    expect(e.message).toContain('→ at data');
  });

  it('an out-of-range value says what is accepted', () => {
    const e = configError(VALID.replace('seed: 3', 'seed: -1'));
    expect(e.message).toMatch(/→ at seed/);
  });

  it('--set overrides any key, parsed as YAML, and is named "from --set" in errors', () => {
    const c = parseConfig(VALID, '/cfg/magic.yaml', registry, [parseOverride('seed=11'), parseOverride('steps[1].fit.l2=0.5'), parseOverride('data.train=/x/a.csv'), parseOverride('data.test=/x/b.csv')]);
    expect(c.seed).toBe(11);
    expect(c.steps[1]!.params).toMatchObject({ l2: 0.5 });
    expect(c.data.train).toBe('/x/a.csv');
    const e = configError(VALID, ['steps[2].evaluate.fpr=[x]']);
    expect(e.message).toContain('from --set');
  });

  it('remembers how each number was written (tpr_at_fpr is keyed by the FPR as written), except for --set values', () => {
    const c = parseConfig(VALID.replace('fpr: [0.01, 0.1]', 'fpr: [0.010, 1e-1]'), '/cfg/magic.yaml', registry);
    expect(c.numberAsWritten(['steps', 2, 'evaluate', 'fpr', 0])).toBe('0.010');
    expect(c.numberAsWritten(['steps', 2, 'evaluate', 'fpr', 1])).toBe('1e-1');
    expect(c.numberAsWritten(['seed'])).toBe('3');
    const o = parseConfig(VALID, '/cfg/magic.yaml', registry, [parseOverride('steps[2].evaluate.fpr=[0.2]')]);
    expect(o.numberAsWritten(['steps', 2, 'evaluate', 'fpr', 0])).toBeUndefined();
  });

  it('rejects malformed --set arguments with a coded error', () => {
    expect(() => parseOverride('noequals')).toThrow(DiscernError);
    expect(() => parseOverride('a..b=1')).toThrow(/not a valid path segment/);
    expect(() => parseConfig(VALID, '/cfg/magic.yaml', registry, [parseOverride('name.x=1')])).toThrow(/is a string, not a map/);
  });

  it('a step entry that is not a single-key map is explained', () => {
    const e = configError(VALID.replace('- standardize: {}', '- standardize: {}\n    fit: {}'));
    expect(e.message).toContain('each step is a map of one step name');
  });

  it("a step's body that is not a map is refused at the step; one left empty in the file is an empty map", () => {
    for (const [set, got] of [['null', 'null'], ['[1]', 'a list of 1'], ['3', '3'], ['abc', '"abc"']] as const) {
      const e = configError(VALID, [`steps[1].fit=${set}`]);
      expect(e.message).toBe(`magic.yaml is not a valid discern config:\n✖ expected a map of the step's keys, got ${got} → at steps[1].fit (from --set)`);
    }
    expect(configError(VALID.replace('- fit: { model: logistic, solver: lbfgs }', '- fit: 5')).message).toMatch(/expected a map of the step's keys, got 5 → at steps\[1\]\.fit \(magic\.yaml:/);
    // `- standardize:` is a step without keys to give; `- fit:` lacks its model, said without "undefined"
    expect(parseConfig(VALID.replace('- standardize: {}', '- standardize:'), '/cfg/magic.yaml', registry).steps[0]!.params).toEqual({});
    const e = configError(VALID.replace('- fit: { model: logistic, solver: lbfgs }', '- fit:'));
    expect(e.message).toMatch(/✖ no model given: set model to one of logistic, .*bdt.* → at steps\[1\]\.fit\.model \(magic\.yaml:\d+:\d+\)$/);
    expect(e.message).not.toMatch(/undefined|got a map/);
    const d = configError(VALID.replace('- evaluate: { fpr: [0.01, 0.1] }', '- decide: { model: model }'));
    expect(d.message).toMatch(/✖ no rule given: set rule to one of threshold, .* → at steps\[2\]\.decide\.rule/);
    expect(d.message).not.toMatch(/undefined|got a map/);
  });

  it('an empty list of samples is refused once, at data.samples', () => {
    const samples = VALID.replace('  source: a.csv\n', '  samples:\n    - { path: g.csv, class: g }\n');
    expect(parseConfig(samples, '/cfg/magic.yaml', registry).data.samples).toHaveLength(1);
    const e = configError(samples, ['data.samples=[]']);
    expect(e.message).toBe('magic.yaml is not a valid discern config:\n✖ give at least one sample (a file or glob with its class), got a list of 0 → at data.samples (from --set)');
  });
});
