import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../src/web/views/html.js';
import { countInto, emptyBuckets, hourlyChart } from '../../src/web/views/chart.js';
import { discordMessage, hexColor } from '../../src/web/views/discord-message.js';
import { markdown } from '../../src/web/views/markdown.js';

const HOSTILE = `<img src=x onerror="alert(1)"> <script>alert(2)</script> "quoted" 'single' \`tick\` & amp`;

describe('web views', () => {
  it('escapes every interpolated value, and keeps markup made by html as it is', () => {
    const inner = html`<b>${HOSTILE}</b>`;
    const out = String(html`<p title="${HOSTILE}">${inner}${[HOSTILE, null, undefined, false, 3]}</p>`);
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).toContain('<b>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(out).toContain('title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &lt;script&gt;');
    expect(out.match(/<b>/g)).toHaveLength(1);
    expect(out.endsWith('3</p>')).toBe(true);
    // Something that merely looks like html's output is text.
    expect(String(html`${{ toString: () => '<i>x</i>' } as unknown as string}`)).toBe('&lt;i&gt;x&lt;/i&gt;');
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });

  it('draws Discord markdown with every piece of text escaped and only http(s) links', () => {
    const out = String(markdown(`**${HOSTILE}** [click](javascript:alert(1)) [ok](https://example.com/a?b=1&c=2) \`<b>\`\n> quote <u>\n\`\`\`js\n<script>x</script>\n\`\`\``));
    expect(out).not.toMatch(/<(img|script|u)[\s>]/);
    expect(out).toContain('<strong>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(out).not.toContain('href="javascript');
    expect(out).toContain('[click](javascript:alert(1))');
    expect(out).toContain('<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">ok</a>');
    expect(out).toContain('<code>&lt;b&gt;</code>');
    expect(out).toContain('<blockquote>quote &lt;u&gt;</blockquote>');
    expect(out).toContain('<pre><code>&lt;script&gt;x&lt;/script&gt;\n</code></pre>');
    expect(String(markdown('\\*not italic\\* <@123> <#456> <t:0:R>'))).toBe(
      '*not italic* <span class="mention">@user 123</span> <span class="mention">#456</span> <time class="mention">1970-01-01 00:00:00 UTC</time>',
    );
  });

  it('draws an embed with its colour as an attribute value that can only be a colour', () => {
    const out = String(discordMessage({
      content: 'hi', embeds: [{ title: HOSTILE, url: 'javascript:alert(1)', color: 0x2da44e, fields: [{ name: 'a', value: HOSTILE, inline: true }] }],
    }));
    expect(out).toContain('fill="#2da44e"');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('javascript:');
    expect(out).toContain('class="field inline"');
    expect(hexColor(-1)).toBe('#1e1f22');
    expect(hexColor('red' as unknown as number)).toBe('#1e1f22');
  });

  it('counts deliveries per hour by outcome and draws one bar segment per outcome present', () => {
    const now = Date.parse('2026-01-02T12:30:00Z');
    const buckets = emptyBuckets(now);
    expect(buckets).toHaveLength(24);
    expect(new Date(buckets[23].start).toISOString()).toBe('2026-01-02T12:00:00.000Z');
    countInto(buckets, '2026-01-02T12:10:00Z', 'posted');
    countInto(buckets, '2026-01-02T12:20:00Z', 'posted');
    countInto(buckets, '2026-01-02T11:59:59Z', 'rejected');
    countInto(buckets, '2026-01-01T11:00:00Z', 'failed'); // older than the chart
    expect(buckets[23].counts.posted).toBe(2);
    expect(buckets[22].counts.rejected).toBe(1);
    expect(buckets.reduce((n, b) => n + b.counts.failed, 0)).toBe(0);
    const svg = String(hourlyChart(buckets, '<hook>'));
    expect(svg).toContain('<title>12:00–13:00 UTC: 2 posted</title>');
    expect(svg).toContain('<title>11:00–12:00 UTC: 1 rejected</title>');
    expect(svg).toContain('&lt;hook&gt;');
    expect(svg.match(/<rect [^>]*fill="#2da44e"/g)).toHaveLength(1);
  });
});
