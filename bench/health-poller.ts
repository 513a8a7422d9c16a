/**
 * bench:hostile's health poller, in its own small process so the attackers' work does not delay
 * it: GET /api/health every 20 ms, latencies kept per phase, sent back on request.
 * Messages in: `{ phase }` switches the phase, `{ report }` asks for a phase's samples.
 */
const url = process.argv[2]!;
let phase = "quiet";
const samples = new Map<string, number[]>();
process.on("message", (m: { phase?: string; report?: string }) => {
  if (m.phase !== undefined) phase = m.phase;
  if (m.report !== undefined) process.send!({ samples: samples.get(m.report) ?? [] });
});
process.on("disconnect", () => process.exit(0));
process.send!({ ready: true });
for (;;) {
  const start = performance.now();
  try {
    await (await fetch(`${url}/api/health`)).arrayBuffer();
  } catch {
    /* counted as the time it took to fail (the hub restarting) */
  }
  const list = samples.get(phase) ?? [];
  list.push(performance.now() - start);
  samples.set(phase, list);
  await new Promise((r) => setTimeout(r, 20));
}
