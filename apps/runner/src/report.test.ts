import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from './cli.test-helpers.js';

const BIN = join(REPO, 'apps', 'runner', 'bin', 'discern.js');
const CHROMIUM = '/usr/bin/chromium';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly out: string;
}

/** Runs the built command without blocking, so that several configs run side by side. */
function discernAsync(args: readonly string[]): Promise<Omit<Run, 'out'>> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const CONFIGS = readdirSync(join(REPO, 'configs')).filter((f) => f.endsWith('.yaml')).sort();
const runs = new Map<string, Run>();

beforeAll(async () => {
  const queue = [...CONFIGS];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      const out = tempDir('discern-report-');
      runs.set(c, { ...(await discernAsync(['run', `configs/${c}`, '--out', out])), out });
    }
  };
  await Promise.all([worker(), worker()]);
}, 600_000);

describe('every example config writes report.html and its plots', () => {
  it.each(CONFIGS)('%s', (c) => {
    const r = runs.get(c)!;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const html = readFileSync(join(r.out, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const svgs = readdirSync(join(r.out, 'plots')).filter((f) => f.endsWith('.svg'));
    expect(svgs.length).toBeGreaterThan(0);
    for (const s of svgs) expect(existsSync(join(r.out, 'plots', s.replace(/\.svg$/, '.png')))).toBe(true);
    expect(html.match(/<svg/g)?.length).toBe(svgs.length);
    const manifest = JSON.parse(readFileSync(join(r.out, 'manifest.json'), 'utf8')) as { artifacts: { path: string; sha256: string }[] };
    const listed = manifest.artifacts.map((a) => a.path);
    expect(listed).toContain('report.html');
    for (const s of svgs) expect(listed).toContain(`plots/${s}`);
    expect(r.stdout).toMatch(/^report: .*report\.html$/m);
  });
});

/** Opens a page in headless Chromium: the rendered DOM and the console lines of its log. */
function openInChromium(file: string): { dom: string; console: string[]; code: number | null } {
  const profile = mkdtempSync(join(tmpdir(), 'discern-chromium-'));
  const r = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--enable-logging=stderr',
      '--v=0',
      '--dump-dom',
      `file://${file}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { dom: r.stdout ?? '', console: (r.stderr ?? '').split('\n').filter((l) => /CONSOLE|Uncaught/.test(l)), code: r.status };
}

describe('report.html in a browser', () => {
  it('headless Chromium renders every plot of the MAGIC Neyman–Pearson report with no console errors', async () => {
    if (!existsSync(CHROMIUM)) {
      console.warn('chromium not installed: skipping the browser check');
      return;
    }
    // The check itself must be able to fail: a page with a console error and an exception is caught.
    const bad = join(tempDir(), 'bad.html');
    writeFileSync(bad, '<!DOCTYPE html><html><body><svg></svg><script>console.error("boom"); missing();</script></body></html>');
    expect(openInChromium(bad).console.length).toBeGreaterThanOrEqual(2);

    const r = runs.get('magic-neyman-pearson.yaml')!;
    const page = openInChromium(join(r.out, 'report.html'));
    expect(page.code).toBe(0);
    expect(page.console).toEqual([]);
    const svgs = readdirSync(join(r.out, 'plots')).filter((f) => f.endsWith('.svg'));
    // Every plot is in the rendered DOM, with its axis titles drawn as text.
    expect(page.dom.match(/<svg/g)?.length).toBe(svgs.length);
    expect(page.dom).toContain('False-positive rate (background efficiency εB)');
    expect(page.dom).toContain('NP α = 0.05');
  });
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('photon vs jet: logistic regression and an MLP side by side', () => {
  it('reports the background rejection at εS = 0.9 with its interval for each, and draws both in one ROC', async () => {
    const r = runs.get('photon-jet.yaml')!;
    const m = JSON.parse(readFileSync(join(r.out, 'metrics.json'), 'utf8')) as Json;
    for (const model of ['logistic', 'mlp']) {
      const at = m[model].test.physics.background_at_signal_efficiency['0.9'];
      const rej = at.background_rejection;
      expect(rej.value).toBeGreaterThan(0.8); // the features separate photons from jets well (docs/simulators.md)
      expect(rej.value).toBeLessThan(0.95);
      expect(rej.interval[0]).toBeLessThan(rej.value);
      expect(rej.interval[1]).toBeGreaterThan(rej.value);
      expect(r.stdout).toMatch(new RegExp(`evaluate ${model} on test: .*1 − εB at εS = 0\\.9: ${rej.value.toFixed(4)}`));
    }
    const roc = readFileSync(join(r.out, 'plots', 'roc-test.svg'), 'utf8');
    expect(roc).toMatch(/logistic \(AUC = /);
    expect(roc).toMatch(/mlp \(AUC = /);
  });
});
