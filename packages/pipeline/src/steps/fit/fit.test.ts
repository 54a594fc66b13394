import { describe, expect, it } from 'vitest';
import { runError } from '../steps.test-helpers.js';

// A fit's errors in the user's terms: the file line of a row (not its index in a shuffled training set), the column's
// name (not its index), a class by its label, the config key as written in YAML (not the estimator's option name).

const CSV = 'x1,x2,w,label\n1,0,1,a\n2,0,1,a\n3,0,1,a\n1.5,0,1,a\n4,1,1,b\n5,2,-1,b\n6,3,1,b\n7,1,1,b\n';

describe('fit errors name file lines, columns and config keys', () => {
  it('a singular class covariance names the constant columns and the config key that regularises it', async () => {
    const e = await runError('name: q\ndata: { source: d.csv, label: label, split: none }\nsteps:\n  - fit: { model: qda }\n', { 'd.csv': CSV });
    expect(e.code).toBe('SINGULAR_COVARIANCE');
    expect(e.message).toMatch(/^QDA: the covariance of class "a" is singular .*column "x2" and column "w" are constant in class "a"; set steps\[0\]\.fit\.reg_param \(e\.g\. 0\.01\)/);
    expect(e.message).not.toMatch(/regParam|feature \d|class \d/);
  });

  it('a class with a single row, or with no positive weight, is named by its label', async () => {
    const one = 'x1,x2,label\n1,0,a\n2,1,a\n3,0,a\n4,5,only\n';
    let e = await runError('name: q\ndata: { source: d.csv, label: label, split: none }\nsteps:\n  - fit: { model: qda }\n', { 'd.csv': one });
    expect(`${e.code}: ${e.message}`).toMatch(/^TOO_FEW_SAMPLES: step 1 \(fit, at steps\[0\]\.fit\): QDA: class "only" has a single row/);
    const zero = 'x1,x2,w,label\n1,0,1,a\n2,1,1,a\n3,0,1,a\n4,5,0,none\n5,4,0,none\n';
    e = await runError('name: q\ndata: { source: d.csv, label: label, weight: w, split: none }\nsteps:\n  - fit: { model: gaussian-nb }\n', { 'd.csv': zero });
    expect(`${e.code}: ${e.message}`).toMatch(/^LABEL_INVALID: step 1 \(fit, at steps\[0\]\.fit\): GaussianNB: class "none" has no training rows with positive weight/);
  });

  it('a negative weight names the line of the file it is on (row 5 of the matrix)', async () => {
    // line 7 of d.csv holds the weight −1; logistic regression refuses negative weights
    const e = await runError('name: w\ndata: { source: d.csv, label: label, weight: w, split: none }\nsteps:\n  - fit: { model: logistic }\n', { 'd.csv': CSV });
    expect(e.message).toMatch(/d\.csv line 7/);
    expect(e.message).not.toMatch(/\brow \d/);
  });

  it('a network too large is refused before anything is allocated, naming the config key', async () => {
    const t0 = performance.now();
    const e = await runError('name: m\ndata: { source: d.csv, label: label, split: none }\nsteps:\n  - fit: { model: mlp, hidden_layers: [100000, 100000] }\n', { 'd.csv': CSV });
    expect(e.code).toBe('RESOURCE_LIMIT');
    expect(e.message).toMatch(/use fewer or smaller steps\[0\]\.fit\.hidden_layers/);
    expect(performance.now() - t0).toBeLessThan(20_000); // refused, not attempted (a generous bound; it takes milliseconds)
  });

  it("an unknown key lists every key the entry accepts: model, the step's own keys and the family's", async () => {
    const f = await runError('name: k\ndata: { source: d.csv, label: label, split: none }\nsteps:\n  - fit: { model: logistic, nmae: a }\n', { 'd.csv': CSV });
    expect(f.message).toMatch(/unknown key "nmae" \(did you mean "name"\?\); accepted keys: model, name, train, solver, .*class_weight/);
    const c = await runError('name: k\ndata: { source: d.csv, label: label, split: none }\nsteps:\n  - crossvalidate: { model: logistic, k: 3 }\n', { 'd.csv': CSV });
    expect(c.message).toMatch(/unknown key "k"; accepted keys: model, name, train, folds, .*save_scores, solver, .*class_weight/);
  });
});
