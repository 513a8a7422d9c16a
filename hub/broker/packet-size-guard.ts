/**
 * Reads MQTT fixed headers as bytes arrive and reports the first packet whose declared length is
 * over the limit, so the connection can be closed before the packet is buffered (mqtt-packet, under
 * aedes, buffers a whole packet of up to 256 MiB before it parses anything). Pure: no I/O.
 */
export class MqttFrameScanner {
  /** 0: at a packet's first byte; 1: in its remaining-length bytes; 2: skipping its body. */
  private state: 0 | 1 | 2 = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  /** Packets whose fixed header has been read so far. */
  packets = 0;

  /**
   * Scan `chunk`. Returns the declared body length of the first packet over `limitBytes()` (asked
   * once per packet, so it may change after a login), `-1` for a malformed length, or null.
   */
  scan(chunk: Uint8Array, limitBytes: () => number): number | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 2) {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= take;
        i += take;
        if (this.bodyLeft === 0) this.state = 0;
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === 0) {
        this.state = 1;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if ((byte & 0x80) !== 0) {
        if (this.lengthBytes >= 4) return -1; // the spec allows four length bytes at most
        continue;
      }
      this.packets++;
      if (this.length > limitBytes()) return this.length;
      this.bodyLeft = this.length;
      this.state = this.length === 0 ? 0 : 2;
    }
    return null;
  }
}
