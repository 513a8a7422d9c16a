import type { Health } from "../state/classify.js";

/**
 * One shape per health state, the same on the map, in the list and in the counts: adaptive a
 * circle, fallback a triangle, manual a square, flash a diamond, offline a crossed circle.
 */
export function HealthIcon({ health, size = 16 }: { health: Health; size?: number }) {
  const s = size;
  const c = s / 2;
  let shape;
  switch (health) {
    case "adaptive":
      shape = <circle cx={c} cy={c} r={c - 2} />;
      break;
    case "fallback":
      shape = <polygon points={`${c},2 ${s - 2},${s - 2} 2,${s - 2}`} />;
      break;
    case "manual":
      shape = <rect x={2.5} y={2.5} width={s - 5} height={s - 5} />;
      break;
    case "flash":
      shape = <polygon points={`${c},1 ${s - 1},${c} ${c},${s - 1} 1,${c}`} />;
      break;
    case "offline":
      shape = (
        <g>
          <circle cx={c} cy={c} r={c - 2} fill="none" />
          <line x1={3} y1={3} x2={s - 3} y2={s - 3} />
          <line x1={s - 3} y1={3} x2={3} y2={s - 3} />
        </g>
      );
      break;
    case "unknown":
      shape = <circle cx={c} cy={c} r={c - 2} fill="none" stroke-dasharray="2 2" />;
      break;
  }
  return (
    <svg class={`health-icon health-${health}`} width={s} height={s} viewBox={`0 0 ${s} ${s}`} aria-hidden="true">
      {shape}
    </svg>
  );
}
