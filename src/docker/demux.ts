/**
 * Splits a Docker log buffer into lines. Without a TTY the Engine multiplexes stdout and stderr in frames:
 * 8-byte header [stream, 0, 0, 0, size (uint32 BE)] then `size` bytes
 * (https://docs.docker.com/reference/api/engine/version/v1.47/#tag/Container/operation/ContainerAttach).
 * With a TTY the buffer is raw text.
 */
export function demuxLogs(buf: Buffer, tty = false): { stream: 'stdout' | 'stderr'; line: string }[] {
  const out: { stream: 'stdout' | 'stderr'; line: string }[] = [];
  const push = (stream: 'stdout' | 'stderr', text: string) => {
    for (const line of text.split(/\r?\n/)) if (line.length) out.push({ stream, line });
  };
  const looksFramed = !tty && buf.length >= 8 && [0, 1, 2].includes(buf[0]) && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
  if (!looksFramed) {
    push('stdout', buf.toString('utf8'));
    return out;
  }
  let i = 0;
  while (i + 8 <= buf.length) {
    const stream = buf[i] === 2 ? 'stderr' : 'stdout';
    const size = buf.readUInt32BE(i + 4);
    push(stream, buf.subarray(i + 8, i + 8 + size).toString('utf8'));
    i += 8 + size;
  }
  return out;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) /;

/**
 * Log lines fetched with `timestamps: true` (each starts with the Engine's RFC 3339 nano time and a space), in
 * the order of those times, with the times removed. dockerd reads stdout and stderr through two pipes and stamps
 * each line as it reads it; it stores them in the order they reach its log file, which in a burst can differ from
 * the order of their times (seen on dockerd 20.10 with json-file), and the times are the closer record of the
 * order they were written. Lines written to both streams within the same few microseconds still reach the Engine
 * grouped by stream: no one can tell their order afterwards. When a line has no time (an Engine that ignored the
 * option) the order is kept as is.
 */
export function orderByTimestamp<T extends { line: string }>(lines: T[]): T[] {
  const keyed = lines.map((l, i) => {
    const m = STAMP.exec(l.line);
    const s = m ? Date.parse(`${m[1]}${m[3]}`) / 1000 : NaN;
    return { l, i, s, ns: Number((m?.[2] ?? '').padEnd(9, '0')), cut: m?.[0].length ?? 0 };
  });
  if (keyed.some((k) => !Number.isFinite(k.s))) return lines;
  keyed.sort((a, b) => a.s - b.s || a.ns - b.ns || a.i - b.i);
  return keyed.map((k) => ({ ...k.l, line: k.l.line.slice(k.cut) }));
}

/** Builds a multiplexed frame (for tests and the Engine stand-in). */
export function frame(stream: 'stdout' | 'stderr', text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream === 'stderr' ? 2 : 1;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}
