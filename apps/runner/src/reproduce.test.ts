import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA, REPO, discernAsync as discern, expectUserError, tempDir } from './cli.test-helpers.js';

interface ReproduceJson {
  ok: boolean;
  workers: number;
  configs: { config: string; status: string; artifacts: Record<string, string>; drift?: { metric: string }[] }[];
}

/**
 * A small project: three fast configs (inline NAND and XOR rows, iris with QDA) in <dir>/configs and the lock
 * beside them, as in the repository.
 */
function project(): { dir: string; lock: string } {
  const dir = tempDir('discern-reproduce-test-');
  mkdirSync(join(dir, 'configs'));
  for (const c of ['nand-logistic', 'xor-mlp']) writeFileSync(join(dir, 'configs', `${c}.yaml`), readFileSync(join(REPO, 'configs', `${c}.yaml`)));
  const iris = readFileSync(join(REPO, 'configs', 'iris-qda.yaml'), 'utf8').replace(/source: .*/, `source: ${JSON.stringify(join(DATA, 'iris.csv'))}`);
  writeFileSync(join(dir, 'configs', 'iris-qda.yaml'), iris);
  return { dir, lock: join(dir, 'discern.lock.json') };
}

describe('discern reproduce', () => {
  let p: { dir: string; lock: string };
  let locked: string;

  beforeAll(async () => {
    p = project();
    const r = await await discern(['reproduce', '--update', '--workers', '2'], { cwd: p.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('+ configs/iris-qda.yaml: added');
    locked = readFileSync(p.lock, 'utf8');
  }, 120_000);

  it('passes against its lock, with 1 worker and with 2 giving identical artifacts (metrics.json bit for bit)', async () => {
    const runs: ReproduceJson[] = [];
    for (const w of [1, 2]) {
      const r = await await discern(['reproduce', '--workers', String(w), '--json'], { cwd: p.dir });
      expect(r.code, r.stderr).toBe(0);
      runs.push(JSON.parse(r.stdout) as ReproduceJson);
    }
    expect(runs.map((r) => r.workers)).toEqual([1, 2]);
    expect(runs[0]!.configs.map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
    const hashes = runs.map((r) => Object.fromEntries(r.configs.map((c) => [c.config, c.artifacts])));
    expect(hashes[1]).toEqual(hashes[0]);
    const lock = JSON.parse(locked);
    for (const [config, artifacts] of Object.entries(hashes[0]!)) {
      expect(artifacts['metrics.json']).toMatch(/^[0-9a-f]{64}$/);
      expect(artifacts).toEqual(lock.configs[config].artifacts);
    }
  }, 120_000);

  it('fails naming the metric when one number in the lock is changed; --update restores the lock', async () => {
    const key = '"model.test.auc": { "value": ';
    const at = locked.indexOf(key, locked.indexOf('"configs/iris-qda.yaml"'));
    expect(at).toBeGreaterThan(0);
    const start = at + key.length;
    const end = locked.indexOf(',', start);
    writeFileSync(p.lock, `${locked.slice(0, start)}0.5${locked.slice(end)}`);
    const r = await await discern(['reproduce', 'configs/iris-qda.yaml', 'configs/nand-logistic.yaml'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('drift in 1 of 2 configs:');
    expect(r.stdout).toMatch(/config\s+metric\s+locked\s+got\s+\|Δ\|\s+tolerance/);
    expect(r.stdout).toMatch(/configs\/iris-qda\.yaml\s+model\.test\.auc\s+0\.5\s+[\d.]+\s+[\d.]+\s+abs 1e-6/);
    expect(r.stdout.match(/^configs\//gm)).toHaveLength(1);

    const u = await await discern(['reproduce', '--update'], { cwd: p.dir });
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toMatch(/~ configs\/iris-qda\.yaml:\n\s+~ model\.test\.auc: 0\.5 → [\d.]+/);
    expect(readFileSync(p.lock, 'utf8')).toBe(locked);
  }, 120_000);

  it('a changed count is held exactly; an edited tolerance is kept by --update', async () => {
    const lock = JSON.parse(locked);
    const m = lock.configs['configs/nand-logistic.yaml'].metrics;
    m['model.train.n'].value += 1;
    m['model.train.log_loss'] = { value: m['model.train.log_loss'].value + 0.01, abs: 0.05 };
    writeFileSync(p.lock, JSON.stringify(lock));
    const r = await await discern(['reproduce', 'configs/nand-logistic.yaml'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/model\.train\.n\s+5\s+4\s+1\s+exact/);
    expect(r.stdout).not.toContain('log_loss');
    expect((await await discern(['reproduce', '--update', 'configs/nand-logistic.yaml'], { cwd: p.dir })).code).toBe(0);
    const after = JSON.parse(readFileSync(p.lock, 'utf8'));
    expect(after.configs['configs/nand-logistic.yaml'].metrics['model.train.log_loss']).toMatchObject({ abs: 0.05 });
    writeFileSync(p.lock, locked);
  }, 120_000);

  it('says in one line when the lock was made with another environment, and still passes on the metrics', async () => {
    const lock = JSON.parse(locked);
    lock.environment.node = '18.0.0';
    for (const c of Object.values(lock.configs) as { artifacts: Record<string, string> }[]) c.artifacts['metrics.json'] = '0'.repeat(64);
    writeFileSync(p.lock, JSON.stringify(lock));
    const r = await await discern(['reproduce', 'configs/nand-logistic.yaml'], { cwd: p.dir });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('different environment'))).toHaveLength(1);
    expect(r.stderr).toContain('Node 18.0.0 → ');
    writeFileSync(p.lock, locked);
  }, 120_000);

  it('a config missing from the lock is drift; a failing config is exit 2; no lock is exit 2', async () => {
    writeFileSync(join(p.dir, 'configs', 'new.yaml'), readFileSync(join(p.dir, 'configs', 'nand-logistic.yaml'), 'utf8').replace('name: nand-logistic', 'name: new'));
    const r = await await discern(['reproduce', 'configs/new.yaml'], { cwd: p.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/configs\/new\.yaml\s+\(no lock entry\)/);
    writeFileSync(join(p.dir, 'configs', 'new.yaml'), 'name: new\nsteps: [\n');
    const bad = await await discern(['reproduce', 'configs/new.yaml'], { cwd: p.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error in configs/new.yaml: CONFIG_PARSE');
    expect((await await discern(['reproduce', '--update', 'configs/new.yaml'], { cwd: p.dir })).code).toBe(2);
    expect(readFileSync(p.lock, 'utf8')).toBe(locked);
    expectUserError(await await discern(['reproduce', '--lock', 'nope.json'], { cwd: p.dir }), 'FILE_NOT_FOUND');
    expectUserError(await await discern(['reproduce', '--workers', '0'], { cwd: p.dir }), 'INVALID_ARGUMENT');
  }, 120_000);
});
