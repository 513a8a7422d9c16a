import type { PhaseTiming, Plan } from "../net/contract.js";
import { cycleFraction, ringsOf } from "../view/ring-diagram.js";

const BAR_W = 640;
const RING_H = 40;

/**
 * The plan as a ring diagram: per ring, each phase's split (green, yellow, red clearance) along
 * the cycle, the offset, and a marker at the controller's current second in the cycle.
 */
export function RingDiagram({ plan, phases, cycleSecond, activePhases }: { plan: Plan | null; phases: PhaseTiming[]; cycleSecond: number | null; activePhases: number[] }) {
  if (!plan) return <p class="muted">No plan from the hub yet (the controller runs its local plan).</p>;
  const rings = ringsOf(plan.splitsS, phases);
  const scale = BAR_W / plan.cycleS;
  const marker = cycleFraction(cycleSecond, plan.cycleS);
  const height = rings.length * (RING_H + 8) + 30;
  return (
    <figure class="ring-diagram">
      <svg viewBox={`0 0 ${BAR_W + 20} ${height}`} width="100%" role="img" aria-label={`Plan ${plan.planId}: cycle ${plan.cycleS} s, offset ${plan.offsetS} s`} data-testid="ring-diagram">
        {rings.map((ring, r) => (
          <g key={ring.ring} transform={`translate(10 ${r * (RING_H + 8) + 4})`}>
            {ring.segments.map((s) => {
              const active = activePhases.includes(s.phase);
              return (
                <g key={s.phase}>
                  <rect x={s.startS * scale} y={0} width={(s.greenEndS - s.startS) * scale} height={RING_H} class={active ? "seg-green active" : "seg-green"} />
                  <rect x={s.greenEndS * scale} y={0} width={(s.yellowEndS - s.greenEndS) * scale} height={RING_H} class="seg-yellow" />
                  <rect x={s.yellowEndS * scale} y={0} width={(s.endS - s.yellowEndS) * scale} height={RING_H} class="seg-red" />
                  <text x={s.startS * scale + 6} y={RING_H / 2 + 6} class="seg-label">
                    Φ{s.phase} · {Math.round((s.endS - s.startS) * 10) / 10} s
                  </text>
                </g>
              );
            })}
          </g>
        ))}
        {marker !== null && (
          <g transform={`translate(${10 + marker * BAR_W} 0)`} data-testid="cycle-marker">
            <line x1={0} y1={0} x2={0} y2={rings.length * (RING_H + 8)} class="cycle-marker" />
            <polygon points={`-6,${rings.length * (RING_H + 8) + 8} 6,${rings.length * (RING_H + 8) + 8} 0,${rings.length * (RING_H + 8)}`} class="cycle-marker-head" />
          </g>
        )}
        <text x={10} y={height - 4} class="axis-label">
          0 s
        </text>
        <text x={BAR_W + 10} y={height - 4} class="axis-label" text-anchor="end">
          {plan.cycleS} s
        </text>
      </svg>
      <figcaption>
        Plan <strong>{plan.planId}</strong> · cycle {plan.cycleS} s · offset {plan.offsetS} s{cycleSecond !== null ? ` · now at ${cycleSecond.toFixed(0)} s` : " · not cycling"}
      </figcaption>
    </figure>
  );
}
