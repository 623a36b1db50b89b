import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy to PostgreSQL, to take the database away from one client without touching the server:
 * `down()` cuts every connection and refuses new ones, `up()` accepts again on the same port, `freeze()` keeps the
 * connections open but stops passing bytes (a network that silently drops packets).
 */
export async function tcpProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let frozen = false;
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    server = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
        sockets.add(from);
        from.on('close', () => sockets.delete(from));
        from.on('error', () => { client.destroy(); upstream.destroy(); });
        from.on('data', (chunk) => { if (!frozen) to.write(chunk); });
        from.on('end', () => to.end());
      }
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server!.address() as { port: number }).port));
  });
  const port = await listen(0);
  return {
    port,
    /** The URL `url` with this proxy's port. */
    via(url: string): string {
      const u = new URL(url);
      u.port = String(port);
      return u.toString();
    },
    up: () => listen(port).then(() => {}),
    freeze: () => { frozen = true; },
    down: () => new Promise<void>((resolve) => {
      frozen = false;
      for (const sock of sockets) sock.destroy();
      if (!server?.listening) return resolve();
      server.close(() => resolve());
    }),
  };
}
