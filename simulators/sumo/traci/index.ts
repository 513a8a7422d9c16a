/**
 * A small TraCI client (SUMO's remote-control protocol) for Node: start SUMO, subscribe to
 * detector, lane, light and simulation variables, set light states and step, each step one round
 * trip. Only the commands this project needs.
 */
export { TraciClient, SubscriptionResults, type ControlledLinks } from "./client.js";
export { TraciConnection, TraciError, encodeCommand, type TraciCommand } from "./connection.js";
export { launchSumo, freePort, type SumoProcess } from "./launch.js";
export { VAR, DOMAIN, SUBSCRIPTION_RESPONSE, type Domain } from "./constants.js";
export { ByteReader, ByteWriter, type TraciValue } from "./storage.js";
