// Result keys for JUnit test cases. One test gets one canonical key whatever the reporter and
// format: the repository-relative file, then the describe/class path and the test name, joined
// with `::` (`tests/smoke/checkout.test.js::checkout::cart::adds`, `tests/x.py::TestA::test_b[1]`);
// where a runner writes no file (Surefire, Go, cargo), the class or package comes first
// (`com.example.CartTest::adds`, `example.com/cart::TestCart/adds`, `tests::cart::adds`). The
// browser or project a test ran in is the result's `variant`, not part of the key. Check items
// can then use patterns such as `tests/smoke/*` or `tests/x.py::TestClass` whatever ran the tests,
// and keep them when the reporter changes.
//
// Each reporter puts the test's identity in different attributes; the rules, by dialect:
//
// - pytest (`--junitxml`; test cases in a <testsuite name="pytest">, told apart case by case so
//   a merged report of pytest and another runner keys each part by its own rules):
//   classname `tests.api.test_x.TestA` +
//   name `test_b[1-2]` -> `tests/api/test_x.py::TestA::test_b[1-2]`. The module is the last
//   dotted segment that looks like a test module (`test_*`, `*_test`), else the last one not
//   starting with a capital letter; the segments after it are (nested) classes. With the
//   `file` attribute (junit_family=xunit1) the file is taken from it. A collection error
//   (empty classname, name `tests.test_broken`) -> `tests/test_broken.py`.
// - node:test (`--test-reporter=junit`; every classname is the placeholder "test"):
//   [file ::] describe names from the nested <testsuite> elements :: test name, e.g.
//   `tests/math.test.mjs::math::nested::multiplies`. Node 20 writes no `file` attribute, so there
//   the key starts at the outermost describe: `math::nested::multiplies`.
// - Playwright (`junit` reporter; <testsuites id=…>, classname = the suite's name = spec file
//   relative to testDir): `smoke/checkout.spec.ts` + `checkout › cart › adds` ->
//   `smoke/checkout.spec.ts::checkout::cart::adds`. The project (each suite's `hostname`, or the
//   `[chromium] › ` that includeProjectInTestName puts first in the name) is the variant.
// - mocha-junit-reporter (classname = the test's title, name = its full title, the describes
//   joined with spaces; the suite carries the absolute `file`): the describes are taken from the
//   suite's name when useFullSuiteTitle wrote them all (any separator containing `›`), e.g.
//   `Root Suite › checkout › cart` + `adds` -> `tests/smoke/checkout.test.js::checkout::cart::adds`;
//   otherwise the full title without the test's title is one part.
// - Everything else (jest-junit, vitest, Maven Surefire, PHPUnit, gotestsum, cargo, RSpec, …):
//   [file ::] [classname ::] name, where
//   - file is the test case's or an enclosing suite's `file` attribute, or the classname
//     itself when that is a path (`src/a.test.ts`, jest-junit's `{filepath}` template, vitest);
//   - the classname is left out when it repeats the name (jest-junit's default
//     `{classname} {title}` for both) or is the file written with dots (rspec_junit_formatter);
//   - names and classnames joined with " › " (jest-junit's ancestorSeparator, Playwright) or
//     " > " (vitest) split into parts;
//   - PHPUnit's `testX with data set #0` / `with data set "name"` -> `testX[#0]` / `testX[name]`.
//   Surefire: `com.example.FooTest` + `testBar` -> `com.example.FooTest::testBar`; an empty name
//   (a class-level skip or failure) -> `com.example.FooTest`. jest-junit with default options:
//   `addition positive numbers should add up` (no file, describes joined with spaces: use the
//   settings in docs/ci.md); with addFileAttribute and the templates there:
//   `__tests__/addition.test.js::addition::positive numbers::should add up`.
// Absolute paths are made relative to ParseOptions.baseDir, else to a CI runner's standard
// checkout root (see normalisePath); backslashes become "/". Control characters become spaces;
// a key longer than 1000 characters is refused.
import { joinKey, normalisePath } from "./report";
import { childElements, type XmlElement } from "./xml";

export type JUnitDialect = "node" | "playwright" | "mocha" | "generic";

/** One <testcase> with the <testsuite> elements around it, outermost first. */
export type CaseContext = { testcase: XmlElement; suites: XmlElement[] };

/** A test's identity: its key, and the variant (browser, project) it ran in, if any. */
export type CaseIdentity = { key: string; variant: string | null };

const ANCESTOR_SEPARATOR = / › | > /;
const SOURCE_FILE = /\.(py|[cm]?[jt]sx?|rb|go|php|java|kt|kts|scala|cs|fs|rs|swift|feature|robot)$/i;

/**
 * The key-making function for a document. pytest is recognised per test case (its suite is
 * named "pytest"), so a merged report of pytest and another runner keys each part by its own
 * rules; the other reporters are recognised from marks they leave on the whole document.
 */
export function keyMaker(root: XmlElement, cases: CaseContext[], baseDir?: string): (c: CaseContext) => CaseIdentity {
  const fromPytest = (c: CaseContext) =>
    root.attrs.name === "pytest tests" || c.suites.some((s) => s.tag === "testsuite" && s.attrs.name === "pytest");
  const others = cases.filter((c) => !fromPytest(c));
  const otherKey = dialectKey(detectDialect(root, others), baseDir);
  return (c) => (fromPytest(c) ? { key: pytestKey(c.testcase.attrs, baseDir), variant: null } : otherKey(c));
}

/** Which reporter wrote these (non-pytest) test cases. */
export function detectDialect(root: XmlElement, cases: CaseContext[]): JUnitDialect {
  if (cases.length === 0) return "generic";
  if (cases.every((c) => c.testcase.attrs.classname === "test")) return "node";
  const playwrightShape = cases.every((c) => {
    const suite = c.suites.at(-1);
    return suite !== undefined && suite.attrs.name === c.testcase.attrs.classname;
  });
  if (root.tag === "testsuites" && "id" in root.attrs && playwrightShape) return "playwright";
  if (cases.some((c) => mochaTitles(c.testcase.attrs) !== null && c.testcase.attrs.name !== c.testcase.attrs.classname)) {
    if (cases.every((c) => mochaTitles(c.testcase.attrs) !== null)) return "mocha";
  }
  return "generic";
}

function dialectKey(dialect: JUnitDialect, baseDir?: string): (c: CaseContext) => CaseIdentity {
  const noVariant = (key: (c: CaseContext) => string) => (c: CaseContext) => ({ key: key(c), variant: null });
  switch (dialect) {
    case "node":
      return noVariant((c) => nodeKey(c, baseDir));
    case "playwright":
      return playwrightKey;
    case "mocha":
      return noVariant((c) => mochaKey(c, baseDir));
    case "generic":
      return noVariant((c) => genericKey(c, baseDir));
  }
}

function pytestKey(attrs: Record<string, string>, baseDir?: string): string {
  const classname = attrs.classname ?? "";
  const name = attrs.name ?? "";
  // A collection error: no test, the module's dotted name in `name`.
  if (classname === "") return name.includes("/") ? normalisePath(name, baseDir) : dottedModuleToPath(name);
  const file = attrs.file ? normalisePath(attrs.file, baseDir) : undefined;
  if (file?.endsWith(".py")) {
    const dotted = file.slice(0, -3).replaceAll("/", ".");
    if (classname === dotted) return joinKey([file, name]);
    if (classname.startsWith(`${dotted}.`)) return joinKey([file, ...classname.slice(dotted.length + 1).split("."), name]);
  }
  const { module, classes } = splitPytestClassname(classname);
  return joinKey([file ?? module, ...classes, name]);
}

/** `tests.api.test_x.TestA.TestB` -> module `tests/api/test_x.py`, classes `TestA`, `TestB`. */
export function splitPytestClassname(classname: string): { module: string; classes: string[] } {
  const segments = classname.split(".");
  let end = findLastIndex(segments, (s) => /^test_|_test$/.test(s));
  if (end < 0) end = findLastIndex(segments, (s) => !/^[A-Z]/.test(s));
  if (end < 0) end = 0;
  return { module: `${segments.slice(0, end + 1).join("/")}.py`, classes: segments.slice(end + 1) };
}

function dottedModuleToPath(dotted: string): string {
  return dotted === "" ? "" : `${dotted.replaceAll(".", "/")}.py`;
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

function nodeKey({ testcase, suites }: CaseContext, baseDir?: string): string {
  const file = testcase.attrs.file ? normalisePath(testcase.attrs.file, baseDir) : undefined;
  const describes = suites.filter((s) => s.tag === "testsuite").map((s) => s.attrs.name);
  return joinKey([file, ...describes, testcase.attrs.name]);
}

/** Playwright: the project (browser) is the variant, taken out of the name when it is there. */
function playwrightKey({ testcase, suites }: CaseContext): CaseIdentity {
  const parts = splitAncestors(testcase.attrs.name);
  const inName = /^\[(.+)\]$/.exec(parts[0] ?? "")?.[1];
  if (inName !== undefined) parts.shift();
  const project = inName ?? suites.at(-1)?.attrs.hostname;
  return { key: joinKey([testcase.attrs.classname, ...parts]), variant: project ? project : null };
}

/** mocha-junit-reporter's title and full title, whichever attribute holds which; null: not that shape. */
function mochaTitles(attrs: Record<string, string>): { title: string; fullTitle: string } | null {
  const name = attrs.name ?? "";
  const classname = attrs.classname ?? "";
  if (name === "" || classname === "") return null;
  if (name === classname) return { title: name, fullTitle: name };
  if (name.endsWith(` ${classname}`)) return { title: classname, fullTitle: name };
  if (classname.endsWith(` ${name}`)) return { title: name, fullTitle: classname };
  return null;
}

function mochaKey({ testcase, suites }: CaseContext, baseDir?: string): string {
  const { title, fullTitle } = mochaTitles(testcase.attrs)!;
  const file = [...suites].reverse().find((s) => s.attrs.file)?.attrs.file ?? testcase.attrs.file;
  const path = file ? normalisePath(file, baseDir) : undefined;
  const describes = fullTitle === title ? "" : fullTitle.slice(0, -(title.length + 1));
  // useFullSuiteTitle writes every describe into the suite's name; find them there.
  const candidates = (suites.at(-1)?.attrs.name ?? "").split(/\s*›\s*/);
  const start = candidates.findIndex((_, i) => candidates.slice(i).join(" ") === describes);
  const parts = describes === "" ? [] : start >= 0 ? candidates.slice(start) : [describes];
  return joinKey([path, ...parts, title]);
}

function genericKey({ testcase, suites }: CaseContext, baseDir?: string): string {
  const attrs = testcase.attrs;
  let name = attrs.name ?? "";
  let classname = attrs.classname ?? "";
  let file = attrs.file ?? [...suites].reverse().find((s) => s.attrs.file)?.attrs.file;
  if (!file && isPath(classname)) [file, classname] = [classname, ""];
  // A result for a whole file, such as jest-junit's "Test suite failed to run" (name = the file).
  if (isPath(name) && (!file || normalisePath(name) === normalisePath(file))) [file, name, classname] = [name, "", ""];
  const path = file ? normalisePath(file, baseDir) : undefined;
  const scope = redundantClassname(classname, name, path) ? "" : classname;
  return joinKey([path, ...splitAncestors(scope), ...splitAncestors(phpunitDataSet(name))]);
}

/** PHPUnit: `testDoubles with data set #0` -> `testDoubles[#0]`, `… data set "one"` -> `testDoubles[one]`. */
function phpunitDataSet(name: string): string {
  const match = /^(.*) with data set (#\d+|"(.*)")$/.exec(name);
  if (!match) return name;
  return `${match[1]}[${match[3] ?? match[2]}]`;
}

function redundantClassname(classname: string, name: string, path: string | undefined): boolean {
  if (classname === "" || classname === name || name.startsWith(`${classname} `)) return true;
  return path !== undefined && classname === path.replace(SOURCE_FILE, "").replaceAll("/", ".");
}

/** A file path rather than a class or a sentence: no spaces, and a directory or a source extension. */
function isPath(text: string): boolean {
  return text !== "" && !/\s/.test(text) && (text.includes("/") || text.includes("\\") || SOURCE_FILE.test(text));
}

function splitAncestors(text: string | undefined): string[] {
  return (text ?? "").split(ANCESTOR_SEPARATOR);
}

/** Every <testcase> with its enclosing suites, in document order, however deeply suites nest. */
export function collectCases(root: XmlElement): CaseContext[] {
  const cases: CaseContext[] = [];
  const visit = (element: XmlElement, suites: XmlElement[]) => {
    for (const child of childElements(element)) {
      if (child.tag === "testcase") cases.push({ testcase: child, suites });
      else if (child.tag === "testsuite" || child.tag === "testsuites") visit(child, [...suites, child]);
    }
  };
  visit(root, root.tag === "testsuite" ? [root] : []);
  return cases;
}
