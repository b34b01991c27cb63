// jest config for the fixture suite (see ../README.md): jest-junit twice (the recommended
// settings and the defaults) and jest-ctrf-json-reporter, from one run.
module.exports = {
  testMatch: ["<rootDir>/tests/**/*.test.js"],
  reporters: [
    "default",
    [
      "jest-junit",
      {
        outputDirectory: ".",
        outputName: "junit.xml",
        addFileAttribute: "true",
        classNameTemplate: "{classname}",
        titleTemplate: "{title}",
        ancestorSeparator: " › ",
        suiteNameTemplate: "{filepath}",
        reportTestSuiteErrors: "true",
      },
    ],
    ["jest-junit", { outputDirectory: ".", outputName: "junit-default.xml" }],
    ["jest-ctrf-json-reporter", { outputDir: ".", outputFile: "ctrf.json" }],
  ],
};
