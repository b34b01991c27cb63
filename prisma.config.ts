// Prisma CLI settings. Only `prisma generate` runs through the CLI here; migrations run
// through the WASM schema engine (docs/decisions/001-migrations-through-wasm-schema-engine.md).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
