export { MqttLink, StatusFields, type MeasuresInput, type SignalInput, type EventsInput, type LinkStats, type LinkTimers, type MqttLinkDeps } from "./mqtt-link.js";
export { MqttLinkOptions, type MqttLinkOptionsInput } from "./options.js";
export { Outbox, OutboxMessage, OutboxOptions, type OutboxOptionsInput, type OutboxEntry, type OutboxHooks } from "./outbox.js";
export { Sequencer, type SequencerOptions } from "./sequencer.js";
export { BackoffOptions, backoffDelayMs } from "../../../common/backoff.js";
