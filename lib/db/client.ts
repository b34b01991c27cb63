// The one Prisma client of this process. Everything that reads or writes data goes through it.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";

const globalForPrisma = globalThis as unknown as { shipcheckPrisma?: PrismaClient };

function createClient(): PrismaClient {
  // The app's own, restricted role when there is one (docs/decisions/008-database-roles.md).
  const connectionString = process.env.SHIPCHECK_APP_DATABASE_URL || process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: start Shipcheck with `npm start` (embedded PostgreSQL) or set DATABASE_URL.");
  }
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
  return new PrismaClient({ adapter });
}

/** Lazily created so importing a module never needs a database. */
export function db(): PrismaClient {
  globalForPrisma.shipcheckPrisma ??= createClient();
  return globalForPrisma.shipcheckPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = globalForPrisma.shipcheckPrisma;
  globalForPrisma.shipcheckPrisma = undefined;
  await client?.$disconnect();
}

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
