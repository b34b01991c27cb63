// Config for the fixture spec (no browser is launched; the projects are names only): the junit
// and playwright-ctrf-json-reporter reports from one run, with retries. See ../README.md.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  // The repository root, so the junit report's paths (relative to testDir) are the repository's.
  testDir: ".",
  testMatch: "tests/**/*.spec.ts",
  outputDir: "/tmp/shipcheck-playwright-fixture-output",
  retries: 1,
  workers: 1,
  reporter: [
    ["junit", { outputFile: "junit.xml" }],
    ["playwright-ctrf-json-reporter", { outputDir: ".", outputFile: "ctrf.json" }],
  ],
  projects: [{ name: "chromium" }, { name: "firefox" }],
});
