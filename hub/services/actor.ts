import { z } from "zod";

export const ROLES = ["viewer", "operator", "admin"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Who asked: an API token's name and role. Every control action is audited under it. */
export interface Actor {
  name: string;
  role: Role;
}
