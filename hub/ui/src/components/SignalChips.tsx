import type { SignalState } from "../net/contract.js";
import { orderedGroups, signalLook } from "../view/signal-look.js";

/** Compact signal heads for a list row: label letters on coloured chips, one per vehicle group. */
export function SignalChips({ groups }: { groups: Record<string, SignalState> | null }) {
  if (!groups) return <span class="muted">no signal yet</span>;
  const vehicle = orderedGroups(groups).filter(([id]) => !/^P\d/.test(id));
  return (
    <span class="chips" aria-label={vehicle.map(([id, s]) => `${id} ${signalLook(s).description}`).join(", ")}>
      {vehicle.map(([id, state]) => {
        const look = signalLook(state);
        return (
          <span key={id} class={`chip tone-${look.tone} shape-${look.shape}`} title={`${id}: ${look.description}`} data-group={id} data-state={state}>
            {look.label}
          </span>
        );
      })}
    </span>
  );
}
