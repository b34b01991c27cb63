// The same spec run as two projects, so the report holds each test twice; see ../README.md.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "tests",
  outputDir: "/tmp/shipcheck-playwright-fixture-output",
  retries: 0,
  workers: 1,
  reporter: [["junit", { outputFile: "report-projects.xml" }]],
  projects: [{ name: "chromium" }, { name: "firefox" }],
});
