// Config for the fixture spec only (no browser is launched); see ../README.md.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests",
  outputDir: "/tmp/shipcheck-playwright-fixture-output",
  retries: 1,
  workers: 1,
  reporter: [["junit", { outputFile: "report.xml" }]],
});
