// The one Prisma client of this process. Everything that reads or writes data goes through it.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/generated/prisma/client";

// The pool is ours, not the adapter's, so its usage can be reported (GET /api/metrics).
const globalForPrisma = globalThis as unknown as { shipcheckPrisma?: PrismaClient; shipcheckPool?: pg.Pool };

function createClient(): PrismaClient {
  // The app's own, restricted role when there is one (docs/decisions/008-database-roles.md).
  const connectionString = process.env.SHIPCHECK_APP_DATABASE_URL || process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: start Shipcheck with `npm start` (embedded PostgreSQL) or set DATABASE_URL.");
  }
  // Pipeline mode lets a transaction send statements before earlier ones are answered
  // (lib/db/pipeline.ts); a client that awaits each answer, as Prisma does, works as before.
  const pool = new pg.Pool({ connectionString, max: poolSize(), pipeline: true });
  globalForPrisma.shipcheckPool = pool;
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

export function poolSize(): number {
  return Number(process.env.DATABASE_POOL_SIZE ?? 10);
}

/** Connections of this process's pool: open, idle, and requests waiting for one (zeros before the first query). */
export function poolUsage(): { total: number; idle: number; waiting: number } {
  const pool = globalForPrisma.shipcheckPool;
  return { total: pool?.totalCount ?? 0, idle: pool?.idleCount ?? 0, waiting: pool?.waitingCount ?? 0 };
}

/** Lazily created so importing a module never needs a database. */
export function db(): PrismaClient {
  globalForPrisma.shipcheckPrisma ??= createClient();
  return globalForPrisma.shipcheckPrisma;
}

/**
 * The same pool, for the few statements every API request runs (lib/db/prepared.ts): the client's
 * own connections, so limits, outages and metrics stay one thing.
 */
export function pool(): pg.Pool {
  db();
  return globalForPrisma.shipcheckPool!;
}

export async function disconnectDb(): Promise<void> {
  const client = globalForPrisma.shipcheckPrisma;
  const pool = globalForPrisma.shipcheckPool;
  globalForPrisma.shipcheckPrisma = undefined;
  globalForPrisma.shipcheckPool = undefined;
  await client?.$disconnect();
  // A pool handed to the adapter stays open until its owner ends it.
  if (pool && !pool.ended) await pool.end();
}

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
