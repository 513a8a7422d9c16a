import type { BrokerConfig } from "./config.js";
import { deviceIdentity, serviceIdentity, type Identity } from "./acl.js";
import { burnPasswordCheck, plainSecretsEqual, verifyPassword } from "./password.js";

/** MQTT 3.1.1 CONNACK return codes a refused login gets. */
export const BAD_USERNAME_OR_PASSWORD = 4;
export const NOT_AUTHORIZED = 5;

export type LoginResult =
  | { ok: true; identity: Identity }
  | { ok: false; returnCode: typeof BAD_USERNAME_OR_PASSWORD | typeof NOT_AUTHORIZED; reason: string };

interface Account {
  secret: { hash: string } | { plain: string };
  identity: Identity;
}

export type Authenticator = (username: string | undefined, password: Buffer | undefined) => Promise<LoginResult>;

/** Build the login check from the config's device and hub accounts. */
export function createAuthenticator(config: Pick<BrokerConfig, "devices" | "hub" | "allowAnonymous">): Authenticator {
  const accounts = new Map<string, Account>();
  for (const device of config.devices) {
    accounts.set(device.username, {
      secret: secretOf(device),
      identity: deviceIdentity(device.username, device.region, device.intersectionId),
    });
  }
  if (config.hub) {
    accounts.set(config.hub.username, { secret: secretOf(config.hub), identity: serviceIdentity(config.hub.username) });
  }
  const anonymous = serviceIdentity(null);

  return async (username, password) => {
    if (username === undefined || username === "") {
      if (config.allowAnonymous) return { ok: true, identity: anonymous };
      return { ok: false, returnCode: NOT_AUTHORIZED, reason: "anonymous clients are not allowed" };
    }
    const given = password?.toString("utf8") ?? "";
    const account = accounts.get(username);
    if (!account) {
      await burnPasswordCheck(given);
      return { ok: false, returnCode: BAD_USERNAME_OR_PASSWORD, reason: `unknown username ${JSON.stringify(username)}` };
    }
    // One scrypt on every path (hashed, plain, unknown user), so timing tells an attacker nothing.
    const matches =
      "hash" in account.secret ? await verifyPassword(given, account.secret.hash) : (await burnPasswordCheck(given), plainSecretsEqual(given, account.secret.plain));
    if (!matches) return { ok: false, returnCode: BAD_USERNAME_OR_PASSWORD, reason: `wrong password for ${JSON.stringify(username)}` };
    return { ok: true, identity: account.identity };
  };
}

function secretOf(account: { passwordHash?: string | undefined; password?: string | undefined }): Account["secret"] {
  if (account.passwordHash !== undefined) return { hash: account.passwordHash };
  if (account.password !== undefined) return { plain: account.password };
  throw new Error("account has neither passwordHash nor password"); // the config schema rules this out
}
