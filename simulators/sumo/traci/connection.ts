import { connect, type Socket } from "node:net";
import { RESULT } from "./constants.js";
import { ByteReader, ByteWriter } from "./storage.js";

/** SUMO answered a command with an error (the simulation goes on). */
export class TraciError extends Error {
  constructor(
    readonly commandId: number,
    message: string,
  ) {
    super(`traci: command 0x${commandId.toString(16)} failed: ${message}`);
    this.name = "TraciError";
  }
}

/** One command of a message, and how to read what its answer carries after the status. */
export interface TraciCommand<T> {
  id: number;
  payload: Buffer;
  read: (r: ByteReader) => T;
}

/** A command whose answer is only a status. */
export function statusOnly(id: number, payload: Buffer): TraciCommand<void> {
  return { id, payload, read: () => undefined };
}

/** Frame one command: 1-byte length, or 0 and a 4-byte length when it does not fit in one. */
export function encodeCommand(id: number, payload: Buffer): Buffer {
  const short = 2 + payload.length;
  const w = new ByteWriter();
  if (short <= 255) w.ubyte(short).ubyte(id);
  else w.ubyte(0).int(short + 4).ubyte(id);
  return w.bytes(payload).toBuffer();
}

type Answers<C extends readonly TraciCommand<unknown>[]> = { [K in keyof C]: C[K] extends TraciCommand<infer T> ? T : never };

/**
 * A TraCI connection: messages of one or more commands, sent one at a time, each answered by one
 * message holding a status per command (and its data). Sending several commands in one message
 * (set the lights, then step) costs one round trip.
 */
export class TraciConnection {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private waiting: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private busy = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error): void => {
      this.failure ??= err;
      this.waiting?.reject(this.failure);
      this.waiting = null;
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("traci: connection closed by SUMO")));
  }

  static open(port: number, host = "127.0.0.1"): Promise<TraciConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once("connect", () => {
        socket.removeListener("error", reject);
        resolve(new TraciConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  /** Send the commands as one message; resolves with each command's answer, in order. A failed status rejects with a TraciError. */
  async send<const C extends readonly TraciCommand<unknown>[]>(commands: C): Promise<Answers<C>> {
    if (this.busy) throw new Error("traci: one message at a time (await the previous send)");
    this.busy = true;
    try {
      const body = Buffer.concat(commands.map((c) => encodeCommand(c.id, c.payload)));
      const header = Buffer.allocUnsafe(4);
      header.writeInt32BE(body.length + 4);
      const answer = await this.exchange(Buffer.concat([header, body]));
      const r = new ByteReader(answer);
      const results: unknown[] = [];
      for (const c of commands) {
        const left = r.commandLength();
        const start = r.offset;
        const id = r.ubyte();
        const result = r.ubyte();
        const description = r.string();
        r.offset = start + left;
        if (id !== c.id) throw new Error(`traci: answer for command 0x${id.toString(16)} where 0x${c.id.toString(16)} was expected`);
        if (result !== RESULT.ok) throw new TraciError(c.id, description || (result === RESULT.notImplemented ? "not implemented" : "error"));
        results.push(c.read(r));
      }
      return results as Answers<C>;
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    this.socket.end();
  }

  private exchange(message: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(message);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    if (this.bufferedBytes < 4) return;
    const all = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.bufferedBytes);
    const total = all.readInt32BE(0);
    if (all.length < total) {
      this.buffered = [all];
      return;
    }
    const message = all.subarray(4, total);
    const rest = all.subarray(total);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    const w = this.waiting;
    this.waiting = null;
    if (w) w.resolve(message);
    else this.failure ??= new Error("traci: an answer came that nothing asked for");
  }
}
