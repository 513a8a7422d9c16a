import type { SignalState } from "../net/contract.js";
import { orderedGroups, signalLook, type SignalShape } from "../view/signal-look.js";
import { SIGNAL_COLOUR } from "../view/palette.js";

function Shape({ shape, colour }: { shape: SignalShape; colour: string }) {
  switch (shape) {
    case "circle":
      return <circle cx="18" cy="18" r="15" fill={colour} />;
    case "triangle":
      return <polygon points="18,2 34,32 2,32" fill={colour} />;
    case "square":
      return <rect x="4" y="4" width="28" height="28" fill={colour} />;
    case "burst":
      return <polygon points="18,1 22,12 34,9 26,18 34,27 22,24 18,35 14,24 2,27 10,18 2,9 14,12" fill={colour} />;
    case "dash":
      return <rect x="4" y="14" width="28" height="8" fill={colour} />;
  }
}

/** One head per signal group: shape, colour and a letter, so no operator depends on colour alone. */
export function SignalHeads({ groups }: { groups: Record<string, SignalState> | null }) {
  if (!groups) return <p class="muted">No signal state received yet.</p>;
  return (
    <ul class="heads" data-testid="signal-heads">
      {orderedGroups(groups).map(([id, state]) => {
        const look = signalLook(state);
        return (
          <li key={id} class={`head tone-${look.tone}`} data-group={id} data-state={state} title={`${id}: ${look.description}`}>
            <svg width="36" height="36" viewBox="0 0 36 36" aria-hidden="true" class={look.shape === "burst" ? "blink" : ""}>
              <Shape shape={look.shape} colour={SIGNAL_COLOUR[state]} />
            </svg>
            <span class="head-label">{look.label}</span>
            <span class="head-id">{id}</span>
          </li>
        );
      })}
    </ul>
  );
}
