/**
 * Sequence numbers for what the hub publishes (plans, commands) that keep increasing across hub
 * restarts without being stored: the clock in ms, bumped by one when two fall in the same ms.
 * Only a clock stepped back further than the hub has published since would break that.
 */
export function createSeqSource(now: () => number = Date.now): () => number {
  let last = -1;
  return () => {
    last = Math.max(last + 1, Math.floor(now()));
    return last;
  };
}
