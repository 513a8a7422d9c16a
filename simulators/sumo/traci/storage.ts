import { TYPE } from "./constants.js";

/** A TraCI value as decoded from its type byte. */
export type TraciValue = number | string | string[] | number[] | TraciValue[] | { r: number; g: number; b: number; a: number } | { x: number; y: number };

/** Big-endian writer for TraCI messages (strings are Latin-1, as SUMO reads them). */
export class ByteWriter {
  private chunks: Buffer[] = [];
  private size = 0;

  private push(b: Buffer): this {
    this.chunks.push(b);
    this.size += b.length;
    return this;
  }

  get length(): number {
    return this.size;
  }

  ubyte(v: number): this {
    const b = Buffer.allocUnsafe(1);
    b.writeUInt8(v);
    return this.push(b);
  }

  int(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    return this.push(b);
  }

  double(v: number): this {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(v);
    return this.push(b);
  }

  string(v: string): this {
    const text = Buffer.from(v, "latin1");
    return this.int(text.length).push(text);
  }

  bytes(b: Buffer): this {
    return this.push(b);
  }

  typedString(v: string): this {
    return this.ubyte(TYPE.string).string(v);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** Big-endian reader over one TraCI answer; throws a RangeError past the end. */
export class ByteReader {
  offset = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw new RangeError(`traci: answer truncated (need ${n} bytes at ${this.offset} of ${this.buf.length})`);
  }

  ubyte(): number {
    this.need(1);
    return this.buf.readUInt8(this.offset++);
  }

  byte(): number {
    this.need(1);
    return this.buf.readInt8(this.offset++);
  }

  int(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  string(): string {
    const n = this.int();
    this.need(n);
    const v = this.buf.toString("latin1", this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  stringList(): string[] {
    const n = this.int();
    const list: string[] = [];
    for (let i = 0; i < n; i++) list.push(this.string());
    return list;
  }

  /** A command's length: one byte, or 0 then a 4-byte length for long commands. Returns the bytes left in the command after the length field. */
  commandLength(): number {
    const short = this.ubyte();
    if (short > 0) return short - 1;
    return this.int() - 5;
  }

  skip(n: number): void {
    this.need(n);
    this.offset += n;
  }

  /** A value preceded by its type byte. */
  typed(): TraciValue {
    const type = this.ubyte();
    switch (type) {
      case TYPE.ubyte:
        return this.ubyte();
      case TYPE.byte:
        return this.byte();
      case TYPE.integer:
        return this.int();
      case TYPE.double:
        return this.double();
      case TYPE.string:
        return this.string();
      case TYPE.stringList:
        return this.stringList();
      case TYPE.doubleList: {
        const n = this.int();
        return Array.from({ length: n }, () => this.double());
      }
      case TYPE.compound: {
        const n = this.int();
        return Array.from({ length: n }, () => this.typed());
      }
      case TYPE.position2d:
        return { x: this.double(), y: this.double() };
      case TYPE.color:
        return { r: this.ubyte(), g: this.ubyte(), b: this.ubyte(), a: this.ubyte() };
      default:
        throw new RangeError(`traci: unsupported value type 0x${type.toString(16)} at ${this.offset - 1}`);
    }
  }
}
