/**
 * Per-zone freeze flags with a loop detector's max-presence rule: a zone's background stays frozen
 * while it is occupied, so a stopped queue keeps reading as occupied, but once a zone has been on
 * for more than `maxPresenceFrames` in a row it is released (freeze 0) and lets the background learn
 * whatever is stuck there, until it reads free again. Pure: no model, no clock.
 */
export class MaxPresence {
  /** 1 = freeze this zone's background while occupied; the runner feeds this array to the model as is. */
  readonly freeze: Float32Array;
  private readonly occupiedFrames: Uint32Array;

  constructor(
    zones: number,
    readonly maxPresenceFrames: number,
  ) {
    if (!Number.isInteger(maxPresenceFrames) || maxPresenceFrames < 1) {
      throw new RangeError(`maxPresenceFrames: expected a whole number >= 1, got ${maxPresenceFrames}`);
    }
    this.freeze = new Float32Array(zones).fill(1);
    this.occupiedFrames = new Uint32Array(zones);
  }

  /** Record one frame's `occupied` flags (1/0 per zone) and set the freeze flags for the next frame. */
  update(occupied: ArrayLike<number>): void {
    for (let z = 0; z < this.freeze.length; z++) {
      if (occupied[z] >= 0.5) {
        this.occupiedFrames[z] = Math.min(this.occupiedFrames[z] + 1, 0xffffffff);
        if (this.occupiedFrames[z] > this.maxPresenceFrames) this.freeze[z] = 0;
      } else {
        this.occupiedFrames[z] = 0;
        this.freeze[z] = 1;
      }
    }
  }

  /** Consecutive occupied frames of a zone so far. */
  presenceFrames(zone: number): number {
    return this.occupiedFrames[zone];
  }

  isReleased(zone: number): boolean {
    return this.freeze[zone] === 0;
  }

  reset(): void {
    this.freeze.fill(1);
    this.occupiedFrames.fill(0);
  }
}
