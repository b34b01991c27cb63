// A pipelined transaction on a real PostgreSQL (DATABASE_URL, else the machine's), in a scratch
// database: statements sent together still run in order, each seeing what was committed before it
// started; a failure anywhere leaves nothing behind; a pool that has no connection to give says so.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { disconnectDb, poolUsage } from "./client";
import { createScratchDatabase, type ScratchDatabase } from "./database-url";
import { pipelinedTransaction } from "./pipeline";

const ADMIN_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

describe("pipelinedTransaction", () => {
  let scratch: ScratchDatabase;
  let other: pg.Client;
  const saved = { url: process.env.DATABASE_URL, app: process.env.SHIPCHECK_APP_DATABASE_URL, size: process.env.DATABASE_POOL_SIZE };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    scratch = await createScratchDatabase(ADMIN_URL, "shipcheck_test_pipeline");
    process.env.DATABASE_URL = scratch.url;
    delete process.env.SHIPCHECK_APP_DATABASE_URL;
    process.env.DATABASE_POOL_SIZE = "2";
    other = new pg.Client({ connectionString: scratch.url });
    await other.connect();
    await other.query("CREATE TABLE counter (n int NOT NULL CHECK (n < 100))");
    await other.query("INSERT INTO counter VALUES (1)");
    process.on("unhandledRejection", onUnhandled);
  }, 60_000);

  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await disconnectDb();
    await other?.end();
    await scratch?.drop();
    process.env.DATABASE_URL = saved.url;
    if (saved.app !== undefined) process.env.SHIPCHECK_APP_DATABASE_URL = saved.app;
    if (saved.size === undefined) delete process.env.DATABASE_POOL_SIZE;
    else process.env.DATABASE_POOL_SIZE = saved.size;
  });

  it("a read sent with a lock, before the lock is held, sees what the lock's holder committed", async () => {
    await other.query("BEGIN");
    await other.query("SELECT pg_advisory_xact_lock(42)");
    await other.query("UPDATE counter SET n = 2");
    const reading = pipelinedTransaction(async (tx) => {
      const locked = tx.$executeRaw`SELECT pg_advisory_xact_lock(42)`;
      const read = tx.$queryRaw<{ n: number }[]>`SELECT n FROM counter`;
      const [, rows] = await Promise.all([locked, read]);
      return rows[0]!.n;
    });
    // Both statements are on their way; the read waits behind the lock.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await other.query("COMMIT");
    expect(await reading).toBe(2);
  });

  it("a failing statement rolls back what was sent before it, and the first error is the one reported", async () => {
    const attempt = pipelinedTransaction(async (tx, commit) => {
      const first = tx.$executeRaw`UPDATE counter SET n = 3`;
      const bad = tx.$executeRaw`UPDATE counter SET n = ${500}`;
      const after = tx.$queryRaw`SELECT n FROM counter`;
      await Promise.all([first, bad, after, commit()]);
    });
    await expect(attempt).rejects.toMatchObject({ code: "23514" });
    expect((await other.query("SELECT n FROM counter")).rows).toEqual([{ n: 2 }]);
    // The connection went back clean: the next transaction on the pool works.
    await pipelinedTransaction(async (tx) => {
      await tx.$executeRaw(Prisma.sql`UPDATE counter SET n = 4`);
    });
    expect((await other.query("SELECT n FROM counter")).rows).toEqual([{ n: 4 }]);
    expect(unhandled).toEqual([]);
  });

  it("an error thrown by the work between statements rolls them back", async () => {
    const attempt = pipelinedTransaction(async (tx) => {
      await tx.$executeRaw`UPDATE counter SET n = 5`;
      throw new Error("changed my mind");
    });
    await expect(attempt).rejects.toThrow("changed my mind");
    expect((await other.query("SELECT n FROM counter")).rows).toEqual([{ n: 4 }]);
  });

  it("answers 503 when no connection of the pool comes free in time, and gives the late one back", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = [1, 2].map(() => pipelinedTransaction(() => held));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await pipelinedTransaction(async () => "never", { maxWaitMs: 200 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("service_unavailable");
    release();
    await Promise.all(holders);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(poolUsage().waiting).toBe(0);
    expect(await pipelinedTransaction(async (tx) => (await tx.$queryRaw<{ one: number }[]>`SELECT 1 AS one`)[0]!.one)).toBe(1);
  });
});
