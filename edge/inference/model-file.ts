import { open, stat } from "node:fs/promises";

/** What the project reads from an ONNX file without loading its weights. */
export interface OnnxFileInfo {
  irVersion: number;
  producerName: string;
  metadata: Record<string, string>;
  sizeBytes: number;
}

export class ModelFileError extends Error {
  override name = "ModelFileError";
}

/** Largest prefix we read to find the header and metadata; weights sit inside the graph, which we skip. */
const MAX_SCAN_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Read an ONNX ModelProto's top-level fields (ir_version, producer, metadata_props) by walking the
 * protobuf wire format, skipping the graph, so a 100 MB model costs no more than a 3 MB one.
 * Throws a ModelFileError that says why a file is not an ONNX model.
 */
export async function readOnnxFileInfo(path: string): Promise<OnnxFileInfo> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new ModelFileError(`${path}: not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof ModelFileError) throw err;
    throw new ModelFileError(`${path}: no such model file`);
  }
  if (size === 0) throw new ModelFileError(`${path}: not an ONNX model (empty file)`);
  if (size > MAX_SCAN_BYTES) throw new ModelFileError(`${path}: model file over 2 GiB is not supported`);
  const handle = await open(path, "r");
  try {
    const reader = new FileWireReader(handle, size);
    return await parseModelProto(reader, path, size);
  } finally {
    await handle.close();
  }
}

type Handle = Awaited<ReturnType<typeof open>>;

/** Sequential reader over a file, reading small windows; `skip` jumps without reading. */
class FileWireReader {
  pos = 0;
  private buf = Buffer.alloc(64 * 1024);
  private bufStart = 0;
  private bufLen = 0;
  constructor(
    private readonly handle: Handle,
    readonly size: number,
  ) {}

  private async fill(at: number): Promise<void> {
    const { bytesRead } = await this.handle.read(this.buf, 0, this.buf.length, at);
    this.bufStart = at;
    this.bufLen = bytesRead;
  }

  async byte(): Promise<number> {
    if (this.pos >= this.size) throw new Error("unexpected end of file");
    if (this.pos < this.bufStart || this.pos >= this.bufStart + this.bufLen) await this.fill(this.pos);
    return this.buf[this.pos++ - this.bufStart]!;
  }

  async varint(): Promise<number> {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      const b = await this.byte();
      // Values above 2^53 are never lengths we can use; they still parse, with precision loss.
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw new Error("malformed varint");
  }

  async bytes(length: number): Promise<Buffer> {
    if (this.pos + length > this.size) throw new Error("field runs past the end of the file");
    const out = Buffer.alloc(length);
    await this.handle.read(out, 0, length, this.pos);
    this.pos += length;
    return out;
  }

  skip(length: number): void {
    if (this.pos + length > this.size) throw new Error("field runs past the end of the file");
    this.pos += length;
  }
}

async function parseModelProto(r: FileWireReader, path: string, size: number): Promise<OnnxFileInfo> {
  let irVersion: number | undefined;
  let producerName = "";
  let sawGraph = false;
  const metadata: Record<string, string> = {};
  try {
    while (r.pos < size) {
      const tag = await r.varint();
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (field === 0) throw new Error("field number 0");
      if (wire === 0) {
        const value = await r.varint();
        if (field === 1) irVersion = value;
      } else if (wire === 2) {
        const length = await r.varint();
        if (field === 2) producerName = (await r.bytes(length)).toString("utf8");
        else if (field === 14) {
          const [key, value] = parseStringEntry(await r.bytes(length));
          metadata[key] = value;
        } else {
          if (field === 7) sawGraph = true;
          r.skip(length);
        }
      } else if (wire === 1) r.skip(8);
      else if (wire === 5) r.skip(4);
      else throw new Error(`wire type ${wire} at byte ${r.pos}`);
    }
  } catch (err) {
    throw new ModelFileError(`${path}: not an ONNX model (${(err as Error).message})`);
  }
  if (irVersion === undefined || !sawGraph) {
    throw new ModelFileError(`${path}: not an ONNX model (no ir_version or graph)`);
  }
  return { irVersion, producerName, metadata, sizeBytes: size };
}

/** StringStringEntryProto: field 1 key, field 2 value. */
function parseStringEntry(buf: Buffer): [string, string] {
  let pos = 0;
  let key = "";
  let value = "";
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length) throw new Error("truncated metadata entry");
      const b = buf[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    if ((tag & 7) !== 2) throw new Error("unexpected metadata entry field");
    const length = varint();
    const text = buf.subarray(pos, pos + length).toString("utf8");
    pos += length;
    if (tag >> 3 === 1) key = text;
    else if (tag >> 3 === 2) value = text;
  }
  return [key, value];
}
