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
  /** null: the account logs in only with a client certificate. */
  secret: { hash: string } | { plain: string } | null;
  identity: Identity;
}

export interface Authenticator {
  /** A username and password login. */
  login(username: string | undefined, password: Buffer | undefined): Promise<LoginResult>;
  /**
   * A login by a client certificate the broker's client CA signed: its subject CN names the
   * account. The MQTT username, when given, must be that account.
   */
  byCertificate(commonName: string, username: string | undefined): LoginResult;
}

/** The two password checks a login spends (a scrypt each); injectable so a test can count them. */
export interface PasswordChecks {
  verify(plain: string, stored: string): Promise<boolean>;
  burn(plain: string): Promise<void>;
}
const SCRYPT_CHECKS: PasswordChecks = { verify: verifyPassword, burn: burnPasswordCheck };

/** Build the login check from the config's device and hub accounts. */
export function createAuthenticator(config: Pick<BrokerConfig, "devices" | "hub" | "allowAnonymous">, checks: PasswordChecks = SCRYPT_CHECKS): Authenticator {
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
  const byCertificate = (commonName: string, username: string | undefined): LoginResult => {
    const account = accounts.get(commonName);
    if (!account) return { ok: false, returnCode: NOT_AUTHORIZED, reason: `certificate for ${JSON.stringify(commonName)}, which is no account` };
    if (username !== undefined && username !== "" && username !== commonName) {
      return { ok: false, returnCode: NOT_AUTHORIZED, reason: `certificate for ${JSON.stringify(commonName)} used with username ${JSON.stringify(username)}` };
    }
    return { ok: true, identity: account.identity };
  };
  const login = async (username: string | undefined, password: Buffer | undefined): Promise<LoginResult> => {
    if (username === undefined || username === "") {
      if (config.allowAnonymous) return { ok: true, identity: anonymous };
      return { ok: false, returnCode: NOT_AUTHORIZED, reason: "anonymous clients are not allowed" };
    }
    const given = password?.toString("utf8") ?? "";
    const account = accounts.get(username);
    if (!account) {
      await checks.burn(given);
      return { ok: false, returnCode: BAD_USERNAME_OR_PASSWORD, reason: `unknown username ${JSON.stringify(username)}` };
    }
    // One scrypt on every path (hashed, plain, certificate-only, unknown user), so timing tells an attacker nothing.
    const secret = account.secret;
    let matches: boolean;
    if (secret === null) matches = (await checks.burn(given), false);
    else if ("hash" in secret) matches = await checks.verify(given, secret.hash);
    else matches = (await checks.burn(given), plainSecretsEqual(given, secret.plain));
    if (!matches) return { ok: false, returnCode: BAD_USERNAME_OR_PASSWORD, reason: `wrong password for ${JSON.stringify(username)}` };
    return { ok: true, identity: account.identity };
  };
  return { login, byCertificate };
}

function secretOf(account: { passwordHash?: string | undefined; password?: string | undefined }): Account["secret"] {
  if (account.passwordHash !== undefined) return { hash: account.passwordHash };
  if (account.password !== undefined) return { plain: account.password };
  return null;
}
