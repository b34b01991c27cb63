// API tests use the same database as the app under test (DATABASE_URL from scripts/test.ts).
import { afterAll } from "vitest";
import { disconnectDb } from "@/lib/db/client";

afterAll(async () => {
  await disconnectDb();
});
