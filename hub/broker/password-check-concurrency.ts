import { availableParallelism } from "node:os";

/** libuv's thread pool when `UV_THREADPOOL_SIZE` does not say otherwise. */
const LIBUV_DEFAULT_POOL = 4;
/** Never more than this many at once by default: each check holds 16 MB while it runs. */
const DEFAULT_CEILING = 4;

/**
 * How many password checks (a scrypt each: CPU-bound, 16 MB, on libuv's thread pool) may run at
 * once. More than the cores can run adds memory, not logins per second, and more than the pool
 * has threads only queues inside libuv; so by default the fewest of the cores, the pool and 4.
 * `configured` (the broker's `maxPasswordChecks`) wins when given.
 */
export function passwordCheckConcurrency(host: { cores: number; threadPoolSize: number }, configured?: number): number {
  if (configured !== undefined) return configured;
  return Math.max(1, Math.min(DEFAULT_CEILING, Math.floor(host.cores), Math.floor(host.threadPoolSize)));
}

/** This process's cores and libuv thread pool, for `passwordCheckConcurrency`. */
export function thisHost(env: NodeJS.ProcessEnv = process.env): { cores: number; threadPoolSize: number } {
  const pool = Number(env.UV_THREADPOOL_SIZE);
  return { cores: availableParallelism(), threadPoolSize: Number.isInteger(pool) && pool > 0 ? pool : LIBUV_DEFAULT_POOL };
}
