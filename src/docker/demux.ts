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

/** Builds a multiplexed frame (for tests and the Engine stand-in). */
export function frame(stream: 'stdout' | 'stderr', text: string): Buffer {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream === 'stderr' ? 2 : 1;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}
