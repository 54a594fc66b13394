import { describe, expect, it } from 'vitest';
import { buildReportHtml, escapeHtml, formatCell, inlineSvg, type ReportInput } from './html.js';
import { rocPlot } from './plots/roc.js';
import { renderSpec } from './render.js';
import { expectDiscernError } from './__tests__/helpers.js';

async function report(overrides: Partial<ReportInput> = {}): Promise<string> {
  const roc = await renderSpec(rocPlot({ curves: [{ name: 'Logistic', fpr: [0, 0.2, 1], tpr: [0, 0.8, 1], auc: 0.9 }] }));
  const roc2 = await renderSpec(rocPlot({ curves: [{ name: 'MLP', fpr: [0, 0.1, 1], tpr: [0, 0.85, 1] }] }));
  return buildReportHtml({
    title: 'magic-logistic',
    runName: 'magic <b>logistic</b>',
    createdAt: new Date('2025-01-02T03:04:05Z'),
    config: 'name: magic-logistic\nsteps:\n  - fit: { model: logistic }\n',
    dataSummary: { events: 19020, classes: { g: 12332, h: 6688 }, features: ['fLength', 'fWidth'], weighted: false },
    sections: [
      {
        title: 'Metrics',
        text: 'First paragraph.\n\nSecond <paragraph>.',
        tables: [
          {
            caption: 'Test sample',
            columns: ['Metric', 'Value'],
            rows: [
              ['AUC', { value: 0.91234, interval: [0.9051, 0.9189] }],
              ['Events', 5706],
              ['Threshold (α = 0.05)', { value: 0.734 }],
            ],
          },
        ],
        plots: [
          { caption: 'ROC curve', svg: roc.svg },
          { caption: 'Second ROC', svg: roc2.svg },
        ],
      },
    ],
    manifest: { seed: 7, configHash: 'sha256:abc', note: '</pre><script>alert(1)</script>' },
    ...overrides,
  });
}

describe('buildReportHtml', () => {
  it('is self-contained: inline CSS and SVG, no scripts, nothing fetched', async () => {
    const html = await report();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect((html.match(/<svg/g) ?? []).length).toBe(2);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?https?:/i);
    expect(html).not.toMatch(/<script|<link\b|<img\b/i);
  });

  it('escapes user text everywhere: run name, paragraphs, manifest', async () => {
    const html = await report();
    expect(html).toContain('Run <strong>magic &lt;b&gt;logistic&lt;/b&gt;</strong>');
    expect(html).toContain('<p>Second &lt;paragraph&gt;.</p>');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows the config verbatim, the data summary, intervals, and the manifest collapsed', async () => {
    const html = await report();
    expect(html).toContain('<pre class="config">name: magic-logistic\nsteps:\n  - fit: { model: logistic }\n</pre>');
    expect(html).toContain('<tr><th>classes</th><td>g: 12332, h: 6688</td></tr>');
    expect(html).toContain('<tr><th>features</th><td>fLength, fWidth</td></tr>');
    expect(html).toContain('<td class="num">0.912 [0.905, 0.919]</td>');
    expect(html).toContain('<td class="num">5706</td>');
    expect(html).toMatch(/<details>\s*<summary>[^<]+<\/summary>\s*<pre class="manifest">\{\n {2}&quot;seed&quot;: 7,/);
    expect(html).toContain('<time datetime="2025-01-02T03:04:05.000Z">');
  });

  it('gives each inline SVG its own ids, so clip paths do not collide', async () => {
    const html = await report();
    const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
  });

  it('leaves out the time when none is given (reproducible output)', async () => {
    const html = await report({ createdAt: undefined });
    expect(html).not.toContain('<time');
    expect(await report({ createdAt: undefined })).toBe(html);
  });

  it('rejects ragged tables, unsafe SVG and bad dates', async () => {
    await expect(report({ sections: [{ title: 's', tables: [{ caption: 't', columns: ['a', 'b'], rows: [[1]] }] }] })).rejects.toThrow(/row 0 has 1 cells/);
    await expect(report({ sections: [{ title: 's', plots: [{ caption: 'p', svg: '<svg><script>x</script></svg>' }] }] })).rejects.toThrow(/scripts/);
    await expect(report({ createdAt: 'not a date' })).rejects.toThrow(/createdAt/);
  });
});

describe('helpers', () => {
  it('escapeHtml escapes the five special characters', () => {
    expect(escapeHtml(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  });
  it('formatCell formats numbers, intervals, booleans and missing values', () => {
    expect(formatCell(0.91234)).toBe('0.912');
    expect(formatCell({ value: 0.5, interval: [0.4, 0.6] })).toBe('0.50 [0.40, 0.60]');
    expect(formatCell(null)).toBe('–');
    expect(formatCell(true)).toBe('yes');
  });
  it('inlineSvg refuses external references', () => {
    expectDiscernError(() => inlineSvg('<svg><image href="https://example.org/x.png"/></svg>', 'p-'), /external/);
    expect(inlineSvg('<svg><clipPath id="c1"/><g clip-path="url(#c1)"/></svg>', 'p7-')).toBe('<svg><clipPath id="p7-c1"/><g clip-path="url(#p7-c1)"/></svg>');
  });
});
