export { LiveStream, type LiveSocket, type LiveSource, type LiveStreamOptions, type LiveStats, type LiveClient } from "./live-stream.js";
export { LiveClientMessage, parseClientMessage } from "./messages.js";
