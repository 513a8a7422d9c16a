export { LinkConfig } from "./config.js";
export { connectBroker, type BrokerConnection, type MessageHandler, type DecodedMessageHandler, type HubToEdgeKind } from "./connection.js";
export { startBrokerLink, type BrokerLink } from "./broker-link.js";
