// isDatabaseUnavailable over real error objects: Prisma and node-postgres against a port nobody
// listens on, and against a real server that terminates the connection mid-query (57P01).
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";
import { freePort } from "@/tests/support/free-port";
import { isDatabaseUnavailable } from "./unavailable";

const SERVER_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** A port nobody listens on: the same as a port a test would start its own server on. */
const deadPort = freePort;

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected it to fail");
}

const clients: { $disconnect(): Promise<void> }[] = [];
function prisma(connectionString: string, max = 2): PrismaClient {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString, max, connectionTimeoutMillis: 2_000 }) });
  clients.push(client);
  return client;
}

/** Runs `query` on a connection of its own and has a second connection terminate it mid-query. */
async function terminatedMidQuery(query: (marker: string) => Promise<unknown>): Promise<unknown> {
  const marker = `terminate_me_${Math.random().toString(36).slice(2)}`;
  const running = caught(() => query(marker));
  const killer = new pg.Client({ connectionString: SERVER_URL });
  await killer.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rowCount } = await killer.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()", [`%${marker}%`]);
      if (rowCount) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await killer.end();
  }
  return running;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect().catch(() => undefined)));
});

describe("isDatabaseUnavailable", () => {
  it("recognises Prisma's errors when nothing listens (P1001 for models and transactions, P2010 for raw queries)", async () => {
    const dead = prisma(`postgresql://nobody@127.0.0.1:${await deadPort()}/none`);
    const model = await caught(() => dead.user.findMany());
    const transaction = await caught(() => dead.$transaction(async (tx) => tx.user.findMany()));
    const raw = await caught(() => dead.$queryRaw`SELECT 1`);
    expect((model as { code: string }).code).toBe("P1001");
    expect((raw as { code: string }).code).toBe("P2010");
    for (const error of [model, transaction, raw]) expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("recognises node-postgres's ECONNREFUSED", async () => {
    const client = new pg.Client({ connectionString: `postgresql://nobody@127.0.0.1:${await deadPort()}/none` });
    const error = await caught(() => client.connect());
    expect((error as { code: string }).code).toBe("ECONNREFUSED");
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it("recognises a connection the server terminates mid-query (57P01 admin_shutdown), raw and through Prisma", async () => {
    const client = new pg.Client({ connectionString: SERVER_URL });
    client.on("error", () => undefined);
    await client.connect();
    const raw = await terminatedMidQuery((marker) => client.query(`SELECT pg_sleep(10) /* ${marker} */`));
    await client.end().catch(() => undefined);
    expect((raw as { code: string }).code).toBe("57P01");
    expect(isDatabaseUnavailable(raw)).toBe(true);

    const live = prisma(SERVER_URL, 1);
    const wrapped = await terminatedMidQuery((marker) => live.$queryRawUnsafe(`SELECT pg_sleep(10)::text /* ${marker} */`));
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    // And the pool recovers by itself.
    expect(await live.$queryRaw<{ one: number }[]>`SELECT 1::int AS one`).toEqual([{ one: 1 }]);
  });

  it("recognises node-postgres's code-less connection errors and SQLSTATE class 08 / 57P03", () => {
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("the database system is starting up"), { code: "57P03" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("connection failure"), { code: "08006" }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) }))).toBe(true);
  });

  it("does not take other database errors, or bugs, for an outage", async () => {
    const live = prisma(SERVER_URL);
    const syntax = await caught(() => live.$queryRawUnsafe("SELEC 1"));
    const missing = await caught(() => live.$queryRawUnsafe("SELECT * FROM no_such_table_here"));
    for (const error of [syntax, missing, new TypeError("x is undefined"), new Error("boom"), null, "text"]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});
