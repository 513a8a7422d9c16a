/**
 * Run `render` at most once per animation frame however often `schedule` is called: a websocket
 * update for 1,000 intersections, or twenty small ones, all cost one render.
 */
export function createFrameScheduler(render: () => void, requestFrame: (callback: () => void) => unknown = (cb) => requestAnimationFrame(cb)): { schedule(): void } {
  let pending = false;
  return {
    schedule() {
      if (pending) return;
      pending = true;
      requestFrame(() => {
        pending = false;
        render();
      });
    },
  };
}
