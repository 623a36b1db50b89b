import type { EventStatus } from '../src/types.js';

/** Embed colour by outcome (GitHub's own palette). */
export const STATUS_COLOR: Record<EventStatus, number> = {
  success: 0x2da44e,
  failure: 0xcf222e,
  warning: 0xbf8700,
  info: 0x0969da,
  neutral: 0x6e7781,
  merged: 0x8250df,
};
