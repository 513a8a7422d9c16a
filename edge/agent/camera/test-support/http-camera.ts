import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { freePort } from "../../../../tests/support/servers.js";

export interface HttpCamera {
  port: number;
  url(path: string): string;
  /** Requests received so far. */
  requests: number;
  /** Connections the client closed (or that ended) so far. */
  closedConnections: number;
  close(): Promise<void>;
}

/** A fake camera: a node:http server on 127.0.0.1 and a free port, answering with `handler`. */
export async function startHttpCamera(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<HttpCamera> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  const camera: HttpCamera = {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests: 0,
    closedConnections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    camera.requests++;
    handler(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      camera.closedConnections++;
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return camera;
}
