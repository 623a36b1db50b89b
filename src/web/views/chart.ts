import { OUTCOMES, type Outcome } from '../../hooks/deliveries.js';
import { html, type SafeHtml } from './html.js';

/** One hour of a hook's deliveries, by outcome. */
export interface HourBucket {
  /** Epoch ms of the hour's start. */
  start: number;
  counts: Record<Outcome, number>;
}

/** Each outcome's colour (the stylesheet's badge colours), by attribute: no inline style is allowed. */
export const OUTCOME_COLOR: Record<Outcome, string> = {
  posted: '#2da44e', filtered: '#8c959f', aggregated: '#8250df', pending: '#bf8700', failed: '#cf222e', rejected: '#bc4c00',
};

const HOUR = 3_600_000;
const BAR = 10;
const GAP = 2;
const HEIGHT = 48;

/** The last `hours` whole hours up to `now`, empty. */
export function emptyBuckets(now: number, hours = 24): HourBucket[] {
  const last = Math.floor(now / HOUR) * HOUR;
  return Array.from({ length: hours }, (_, i) => ({
    start: last - (hours - 1 - i) * HOUR,
    counts: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>,
  }));
}

/** Counts one delivery in its hour (deliveries outside the buckets are left out). */
export function countInto(buckets: HourBucket[], receivedAt: string, outcome: Outcome): void {
  const ms = Date.parse(receivedAt);
  const b = buckets.find((x) => ms >= x.start && ms < x.start + HOUR);
  if (b) b.counts[outcome] += 1;
}

const hourLabel = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/**
 * Deliveries per hour as stacked bars, one colour per outcome, drawn on the server as SVG. Each segment's
 * `<title>` says the hour, the outcome and how many (shown on hover, read by screen readers).
 */
export function hourlyChart(buckets: HourBucket[], label: string): SafeHtml {
  const totals = buckets.map((b) => OUTCOMES.reduce((n, o) => n + b.counts[o], 0));
  const max = Math.max(1, ...totals);
  const width = buckets.length * (BAR + GAP);
  const bars = buckets.map((b, i) => {
    let y = HEIGHT;
    const x = i * (BAR + GAP);
    const segments = OUTCOMES.filter((o) => b.counts[o] > 0).map((o) => {
      const h = Math.max(1, Math.round((b.counts[o] / max) * HEIGHT));
      y -= h;
      return html`<rect x="${x}" y="${y}" width="${BAR}" height="${h}" fill="${OUTCOME_COLOR[o]}"><title>${hourLabel(b.start)}–${hourLabel(b.start + HOUR)} UTC: ${b.counts[o]} ${o}</title></rect>`;
    });
    return html`<rect x="${x}" y="${HEIGHT - 1}" width="${BAR}" height="1" fill="#d8dee4"/>${segments}`;
  });
  const total = totals.reduce((a, b) => a + b, 0);
  return html`<svg role="img" width="${width}" height="${HEIGHT + 14}" viewBox="0 0 ${width} ${HEIGHT + 14}">
<title>${label}: ${total} deliveries in the last ${buckets.length} hours, most in one hour ${Math.max(...totals)}</title>
${bars}
<text x="0" y="${HEIGHT + 12}" font-size="9" fill="#636c76">${buckets.length} h ago</text>
<text x="${width}" y="${HEIGHT + 12}" font-size="9" fill="#636c76" text-anchor="end">now</text>
</svg>`;
}

/** The outcomes' colours, as a legend. */
export function chartLegend(): SafeHtml {
  return html`<div class="legend">${OUTCOMES.map((o) => html`<span><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${OUTCOME_COLOR[o]}"/></svg> ${o}</span>`)}</div>`;
}
