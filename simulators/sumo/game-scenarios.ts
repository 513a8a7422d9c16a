import { existsSync } from "node:fs";
import { join } from "node:path";

/** SUMO's traffic-light game scenarios the benchmark judges the hub on (package sumo-tools; read in place, not copied). */
export const SUMO_GAME_SCENARIOS = ["cross", "corridor", "square", "kuehne"] as const;
export type SumoGameScenario = (typeof SUMO_GAME_SCENARIOS)[number];

/** Where Debian's sumo-tools puts the game: `$SUMO_HOME/tools/game`. */
export function sumoGameDir(): string {
  return join(process.env.SUMO_HOME ?? "/usr/share/sumo", "tools", "game");
}

/**
 * A game scenario's net and its own route file. The game's `.tls.add.xml`/`.tll.xml` hold the
 * player's manual programs (10 000 s greens switched by key presses), not a controller, so the
 * baseline is the program inside the net itself; `kuehne` reuses square's manual file in the game.
 */
export function sumoGameScenario(name: SumoGameScenario): { net: string; routes: string[] } {
  const dir = join(sumoGameDir(), name);
  const net = join(dir, `${name}.net.xml`);
  const routes = join(dir, `${name}.rou.xml`);
  if (!existsSync(net) || !existsSync(routes)) throw new Error(`SUMO game scenario "${name}" not found in ${dir}: apt-get install sumo-tools (or set SUMO_HOME)`);
  return { net, routes: [routes] };
}
