// vitest config for the fixture suite (see ../README.md): the junit reporter and
// @d2t/vitest-ctrf-json-reporter, from one run.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.js"],
    outputFile: { junit: "junit.xml" },
    reporters: ["default", "junit", ["@d2t/vitest-ctrf-json-reporter", { outputDir: ".", outputFile: "ctrf.json" }]],
  },
});
