export { HubStateStore, STATE_FILE } from "./hub-state-store.js";
