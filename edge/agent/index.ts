/**
 * The intersection's edge agent. One frame's way through it:
 *
 *   camera source (folder, http-snapshot, mjpeg, simulator)
 *     → vehicle counter (built-in virtual loops, or a detector → tracker → lines and zones)
 *     → AgentCore.frame      detector calls to the controller, hi-res events 81/82
 *   every tickMs:  AgentCore.tick → controller → signal changes, events, measures each interval
 *     → MqttLink (on-disk outbox) → broker → hub
 *   hub → plan / command → controller (checked against its own safety rules)
 *
 * `Agent` is the field process (timers, files, MQTT); `AgentCore` is the same coordination with
 * no I/O, which the closed-loop simulation drives from simulated time.
 */
export { Agent, type AgentDeps } from "./agent.js";
export { AgentCore, type AgentCoreOptions, type AgentPublisher } from "./agent-core.js";
export { AgentConfig, AgentConfigFile, ModelSettings, LOG_LEVELS, loadAgentConfig, resolveAgentConfig, type AgentConfigInput } from "./config.js";
export { runAgent, type RunAgentIo } from "./run-agent.js";
export { systemdNotifier, watchdogPeriodMs, type SystemdNotifier } from "../../common/systemd-notify.js";
export {
  ControllerCore,
  ControllerConfig,
  ControllerSignal,
  PersistedState,
  parseControllerConfig,
  type ControllerConfigInput,
  type ControllerOptions,
  type TickResult,
} from "./controller/index.js";
export { MqttLink, MqttLinkOptions, StatusFields, type MqttLinkOptionsInput, type LinkStats } from "./link/index.js";
export {
  CameraSourceConfig,
  createCameraSource,
  parseCameraSourceConfig,
  PushSource,
  type CameraSource,
  type CameraFrame,
  type CameraHealth,
  type CameraSourceConfigInput,
} from "./camera/index.js";
