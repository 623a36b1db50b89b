import type { DiscordEmbed, DiscordMessage } from '../../types.js';
import { html, type SafeHtml } from './html.js';
import { httpUrl, when } from './layout.js';
import { markdown } from './markdown.js';

/** Discord's embed colour when none is set. */
const NO_COLOR = 0x1e1f22;

/** `#rrggbb` of an embed colour (a number, so nothing else can get into the attribute). */
export const hexColor = (c: number | undefined): string =>
  `#${((Number.isInteger(c) && c! >= 0 && c! <= 0xffffff ? c! : NO_COLOR)).toString(16).padStart(6, '0')}`;

/**
 * The colour bar: an SVG rect filled by attribute, since the Content-Security-Policy allows no inline style
 * (and no embed's colour needs its own stylesheet).
 */
const bar = (color: number | undefined) =>
  html`<svg class="bar" viewBox="0 0 4 10" preserveAspectRatio="none" aria-hidden="true"><rect width="4" height="10" fill="${hexColor(color)}"/></svg>`;

function embed(e: DiscordEmbed): SafeHtml {
  const titleUrl = httpUrl(e.url);
  const authorUrl = httpUrl(e.author?.url);
  const footer = [e.footer?.text, e.timestamp ? when(e.timestamp) : ''].filter(Boolean).join(' • ');
  return html`<div class="embed">${bar(e.color)}<div class="body">
    ${e.author ? html`<div class="author">${authorUrl ? html`<a href="${authorUrl}" rel="noopener noreferrer nofollow" target="_blank">${e.author.name}</a>` : e.author.name}</div>` : ''}
    ${e.title ? html`<div class="title">${titleUrl ? html`<a href="${titleUrl}" rel="noopener noreferrer nofollow" target="_blank">${markdown(e.title)}</a>` : markdown(e.title)}</div>` : ''}
    ${e.description ? html`<div class="desc">${markdown(e.description)}</div>` : ''}
    ${e.fields?.length ? html`<div class="fields">${e.fields.map((f) => html`<div class="field${f.inline ? ' inline' : ''}"><div class="name">${markdown(f.name)}</div><div class="value">${markdown(f.value)}</div></div>`)}</div>` : ''}
    ${footer ? html`<div class="footer">${footer}</div>` : ''}
  </div></div>`;
}

/** A Discord message drawn as Discord shows it: its text, then each embed with its colour bar, title and fields. */
export function discordMessage(m: DiscordMessage): SafeHtml {
  return html`<div class="dmsg">
  ${m.content ? html`<div class="content">${markdown(m.content)}</div>` : ''}
  ${(m.embeds ?? []).map(embed)}
</div>`;
}
