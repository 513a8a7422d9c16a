import { connect, createServer, type Server, type Socket } from "node:net";
import { freePort, type ManagedServer } from "./servers.js";

export interface TcpProxy extends ManagedServer {
  /** While on, bytes from clients are swallowed but connections stay open: a link that hangs. */
  blackhole(on: boolean): void;
}

/**
 * A TCP relay on 127.0.0.1 to `targetPort`. `stop()` cuts every connection and refuses new ones,
 * `start()` accepts again on the same port: a network outage a test can switch on and off while
 * the server behind stays up (or is restarted at a moment the test chooses).
 */
export async function startTcpProxy(targetPort: number, scheme = "mqtt"): Promise<TcpProxy> {
  const port = await freePort();
  let server: Server | undefined;
  let swallowing = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const self: TcpProxy = {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    async start() {
      if (server) return;
      const s = createServer((client) => {
        const upstream = connect(targetPort, "127.0.0.1");
        track(client);
        track(upstream);
        client.on("data", (chunk: Buffer) => {
          if (!swallowing) upstream.write(chunk);
        });
        upstream.pipe(client);
        client.on("error", () => upstream.destroy());
        upstream.on("error", () => client.destroy());
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(port, "127.0.0.1", () => resolve());
      });
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async dispose() {
      await self.stop();
    },
    blackhole(on) {
      swallowing = on;
    },
  };
  await self.start();
  return self;
}
