export { startBroker, REFUSAL_REASONS, type RefusalReason, type RunningBroker, type BrokerStats, type BrokerOptions, type LocalBrokerClient, type LocalHandler, type DecodedHandler } from "./server.js";
export { BrokerConfig, DeviceAccount, ServiceAccount, parseBrokerConfig, type BrokerConfigInput } from "./config.js";
export { hashPassword, verifyPassword } from "./password.js";
export { publishDenial, subscribeDenial, deviceIdentity, serviceIdentity, type Identity, type DeviceIdentity, type ServiceIdentity } from "./acl.js";
export { createAuthenticator, type Authenticator, type LoginResult } from "./accounts.js";
export { startBrokerThread, type ThreadedBroker } from "./threaded-broker.js";
