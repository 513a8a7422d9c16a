/**
 * Which account owns an MQTT client id. The first account to log in with an id owns it; another
 * account using it later is refused, so one device cannot knock another's session off the broker
 * (aedes, like any MQTT broker, otherwise disconnects the older client with the same id) or pick
 * up its queued messages. Each account owns its `maxIdsPerAccount` most recent ids, so the table
 * stays bounded however many ids one account tries. Pure.
 */
export class ClientIdOwners {
  private readonly owners = new Map<string, string>();
  private readonly idsByAccount = new Map<string, string[]>();

  constructor(private readonly maxIdsPerAccount = 8) {}

  /** Claim `clientId` for `account`; false when another account owns it. */
  claim(clientId: string, account: string): boolean {
    const owner = this.owners.get(clientId);
    if (owner !== undefined) {
      if (owner !== account) return false;
      const ids = this.idsByAccount.get(account)!;
      ids.splice(ids.indexOf(clientId), 1);
      ids.push(clientId);
      return true;
    }
    const ids = this.idsByAccount.get(account) ?? [];
    ids.push(clientId);
    this.idsByAccount.set(account, ids);
    this.owners.set(clientId, account);
    while (ids.length > this.maxIdsPerAccount) this.owners.delete(ids.shift()!);
    return true;
  }

  ownerOf(clientId: string): string | undefined {
    return this.owners.get(clientId);
  }
}
