import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { patternMatches } from "@/lib/gate/match";
import { resultsPayloadSchema } from "@/lib/validation/results";
import { parseJUnit, ReportParseError, type ParsedReport } from "./junit";
import { MAX_MESSAGE_BYTES } from "./report";

const fixture = (path: string) => readFileSync(new URL(`./__fixtures__/${path}`, import.meta.url), "utf8");
const statuses = (report: ParsedReport) => report.results.map((r) => [r.key, r.status]);
const result = (report: ParsedReport, key: string) => {
  const found = report.results.find((r) => r.key === key);
  if (!found) throw new Error(`no result "${key}" in ${JSON.stringify(report.results.map((r) => r.key))}`);
  return found;
};
/** Every parsed report must go straight into the Shipcheck JSON contract. */
const expectValidPayload = (report: ParsedReport) =>
  expect(() => resultsPayloadSchema.parse({ run: report.run, results: report.results })).not.toThrow();
const suite = (body: string, attrs = 'name="s"') => `<?xml version="1.0"?>\n<testsuites><testsuite ${attrs}>${body}</testsuite></testsuites>`;
const parseError = (xml: string): ReportParseError => {
  try {
    parseJUnit(xml);
  } catch (error) {
    if (error instanceof ReportParseError) return error;
    throw error;
  }
  throw new Error("expected a ReportParseError");
};

describe("parseJUnit: pytest --junitxml (real report)", () => {
  const report = parseJUnit(fixture("pytest/report.xml"));

  it("turns dotted classnames back into pytest node ids, classes and parameters included", () => {
    expect(report.format).toBe("junit");
    expect(statuses(report)).toEqual([
      ["tests/test_collection_error.py", "failed"],
      ["tests/api/test_nested.py::TestOuter::TestInner::test_deep", "passed"],
      ["tests/api/test_nested.py::test_module_level", "passed"],
      ["tests/test_sample.py::TestThing::test_passes", "passed"],
      ["tests/test_sample.py::TestThing::test_fails", "failed"],
      ["tests/test_sample.py::TestThing::test_skipped", "skipped"],
      ["tests/test_sample.py::TestThing::test_uses_broken_fixture", "failed"],
      ["tests/test_sample.py::test_add[1-2-3]", "passed"],
      ["tests/test_sample.py::test_add[2-2-5]", "failed"],
      ["tests/test_sample.py::test_markup_in_message", "failed"],
    ]);
    expectValidPayload(report);
  });

  it("keeps the assertion message first, then pytest's traceback", () => {
    const failed = result(report, "tests/test_sample.py::TestThing::test_fails");
    expect(failed.message).toMatch(/^AssertionError: release name mismatch\nassert 'shipcheck' == 'shipit'/);
    expect(failed.message).toContain('>       assert "shipcheck" == "shipit", "release name mismatch"');
    expect(failed.message).toContain("tests/test_sample.py:16: AssertionError");
  });

  it("reports an error in a fixture as a failure with its message", () => {
    const errored = result(report, "tests/test_sample.py::TestThing::test_uses_broken_fixture");
    expect(errored.message).toMatch(/^failed on setup with "RuntimeError: database unavailable during setup"/);
  });

  it("keeps the skip reason, and a collection error counts against the whole file", () => {
    expect(result(report, "tests/test_sample.py::TestThing::test_skipped").message).toMatch(/^needs the staging VPN/);
    expect(result(report, "tests/test_collection_error.py").message).toMatch(/^collection failure\n\nImportError/);
  });

  it("keeps markup in a message as text, decoded from XML exactly once", () => {
    const message = result(report, "tests/test_sample.py::test_markup_in_message").message;
    expect(message).toContain("+ <script>alert('x')</script> & more");
    expect(message).not.toContain("&lt;");
  });

  it("converts time in seconds and takes the suite timestamp as the run start", () => {
    expect(report.results.every((r) => Number.isInteger(r.durationMs))).toBe(true);
    expect(report.run?.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it("produces keys that check-item patterns match", () => {
    const keys = report.results.map((r) => r.key);
    expect(keys.filter((k) => patternMatches("tests/test_sample.py::TestThing", k))).toHaveLength(4);
    expect(keys.filter((k) => patternMatches("tests/api/", k))).toHaveLength(2);
    expect(keys.filter((k) => patternMatches("tests/test_sample.py", k))).toHaveLength(7);
  });
});

describe("parseJUnit: node --test --test-reporter=junit (real report)", () => {
  const report = parseJUnit(fixture("node/report.xml"));

  it("keys tests by their describe blocks, from nested <testsuite> elements", () => {
    expect(statuses(report)).toEqual([
      ["math::adds", "passed"],
      ["math::fails", "failed"],
      ["math::is skipped", "skipped"],
      ["math::nested::multiplies", "passed"],
      ["top-level test", "passed"],
    ]);
    expectValidPayload(report);
  });

  it("keeps the assertion message and the inspected error", () => {
    const message = result(report, "math::fails").message ?? "";
    expect(message).toContain("one plus one is not three");
    expect(message).toContain("2 !== 3");
    expect(message).toContain("TestContext.<anonymous>");
  });

  it("prefixes the file when the reporter writes one (newer Node), relative to baseDir", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
\t<testsuite name="math" time="0.004" disabled="0" errors="0" tests="1" failures="0" skipped="0" hostname="ci" timestamp="2026-11-27T10:00:00.000Z">
\t\t<testcase name="adds" time="0.000606" classname="test" file="/ci/work/repo/tests/math.test.mjs"/>
\t</testsuite>
</testsuites>`;
    const parsed = parseJUnit(xml, { baseDir: "/ci/work/repo/" });
    expect(statuses(parsed)).toEqual([["tests/math.test.mjs::math::adds", "passed"]]);
    expect(parsed.run?.startedAt).toBe("2026-11-27T10:00:00.000Z");
  });
});

describe("parseJUnit: Playwright junit reporter (real reports)", () => {
  it("splits the title path on › and uses the spec file as the first part", () => {
    const report = parseJUnit(fixture("playwright/report.xml"));
    expect(statuses(report)).toEqual([
      ["basics.spec.ts::checkout::adds numbers", "passed"],
      ["basics.spec.ts::checkout::fails", "failed"],
      ["basics.spec.ts::checkout::is skipped", "skipped"],
      // Playwright's junit report does not say that the first attempt failed.
      ["basics.spec.ts::checkout::passes on retry", "passed"],
      ["basics.spec.ts::top-level test", "passed"],
    ]);
    expect(result(report, "basics.spec.ts::checkout::fails").message).toMatch(/^release name\n\n {2}basics\.spec\.ts:10:3 › checkout › fails/);
    expect(result(report, "basics.spec.ts::checkout::is skipped").durationMs).toBeNull();
    expectValidPayload(report);
  });

  it("keeps the project as the variant, so chromium and firefox share keys without colliding", () => {
    const report = parseJUnit(fixture("playwright/report-projects.xml"));
    expect(report.results).toHaveLength(10);
    const fails = report.results.filter((r) => r.key === "basics.spec.ts::checkout::fails");
    expect(fails.map((r) => [r.variant, r.status])).toEqual([
      ["chromium", "failed"],
      ["firefox", "failed"],
    ]);
    expect(report.results.filter((r) => patternMatches("basics.spec.ts::checkout", r.key))).toHaveLength(8);
  });
});

describe("parseJUnit: jest-junit (hand-written after its documented output)", () => {
  it("uses the name alone with the default templates, where classname repeats it", () => {
    const report = parseJUnit(fixture("jest-junit/default.xml"));
    expect(statuses(report)).toEqual([
      ["cart adds an item", "passed"],
      ["cart applies a discount", "failed"],
      ["cart checkout charges the card", "skipped"],
      ["cart checkout renders the <script> tag as text", "failed"],
      ["orders lists orders", "passed"],
      ["orders paginates past the first page", "passed"],
    ]);
    const message = result(report, "cart checkout renders the <script> tag as text").message ?? "";
    // Text that was escaped twice in the file stays escaped once: nothing is unescaped further.
    expect(message).toContain('Expected substring: "&lt;script&gt;"');
    expect(message).toContain(`Received string:    "<p><script>alert('x')</script></p>"`);
    expect(report.run).toBeUndefined(); // jest-junit's timestamps carry no time zone
    expectValidPayload(report);
  });

  it("uses the file attribute and › ancestors, and keys a suite that failed to run by its file", () => {
    const report = parseJUnit(fixture("jest-junit/file-attribute.xml"));
    expect(statuses(report)).toEqual([
      ["__tests__/cart.test.js::cart::adds an item", "passed"],
      ["__tests__/cart.test.js::cart::applies a discount", "failed"],
      ["__tests__/cart.test.js::cart::checkout::charges the card", "skipped"],
      ["__tests__/cart.test.js::cart::checkout::sends a receipt", "passed"],
      ["__tests__/broken.test.js", "failed"],
    ]);
    expect(result(report, "__tests__/broken.test.js").message).toContain("Cannot find module './missing'");
  });
});

describe("parseJUnit: Maven Surefire TEST-*.xml (hand-written after its XSD and reporter)", () => {
  const report = parseJUnit(fixture("surefire/TEST-com.example.checkout.CartServiceTest.xml"));

  it("keys tests as class::method and reads errors, skips, flaky reruns and failed reruns", () => {
    expect(statuses(report)).toEqual([
      ["com.example.checkout.CartServiceTest::addsItem", "passed"],
      ["com.example.checkout.CartServiceTest::appliesDiscount", "failed"],
      ["com.example.checkout.CartServiceTest::loadsPrices", "failed"],
      ["com.example.checkout.CartServiceTest::chargesCard", "skipped"],
      ["com.example.checkout.CartServiceTest::reservesStock", "flaky"],
      ["com.example.checkout.CartServiceTest::syncsInventory", "failed"],
      ["com.example.checkout.CartServiceTest::totalsWithTax(int, int)[1]", "passed"],
      ["com.example.checkout.CartServiceTest::totalsWithTax(int, int)[2]", "passed"],
    ]);
    expectValidPayload(report);
  });

  it("reads messages, <stackTrace> of reruns, and times with thousands separators", () => {
    expect(result(report, "com.example.checkout.CartServiceTest::appliesDiscount").message).toMatch(
      /^expected: <90> but was: <100>\n\norg\.opentest4j\.AssertionFailedError: expected: <90> but was: <100>\n\tat /,
    );
    expect(result(report, "com.example.checkout.CartServiceTest::reservesStock").message).toMatch(
      /^expected: <true> but was: <false>\n\norg\.opentest4j\.AssertionFailedError/,
    );
    expect(result(report, "com.example.checkout.CartServiceTest::chargesCard").message).toBe("payment sandbox is down");
    expect(result(report, "com.example.checkout.CartServiceTest::loadsPrices").durationMs).toBe(1_230_004);
    expect(result(report, "com.example.checkout.CartServiceTest::addsItem").message).toBeNull();
  });

  it("keys a class-level result (empty test name) by the class", () => {
    const skipped = parseJUnit(fixture("surefire/TEST-com.example.checkout.ClassSkippedTest.xml"));
    expect(skipped.results).toEqual([
      { key: "com.example.checkout.ClassSkippedTest", status: "skipped", durationMs: 0, message: "class disabled: requires Kafka", variant: null },
    ]);
  });
});

describe("parseJUnit: other shapes", () => {
  it("walks nested <testsuites>/<testsuite>/<testsuite> and takes a file from an enclosing suite", () => {
    const xml = `<testsuites>
  <testsuites name="unit">
    <testsuite name="Shop" file="/ci/repo/tests/ShopTest.php">
      <testsuite name="ShopTest">
        <testcase name="testTotal" class="ShopTest" classname="ShopTest" file="/ci/repo/tests/ShopTest.php" line="12" time="0.002"/>
        <testcase name="testEmpty" classname="ShopTest" time="0.001"><failure type="x">boom</failure></testcase>
      </testsuite>
    </testsuite>
  </testsuites>
</testsuites>`;
    expect(statuses(parseJUnit(xml, { baseDir: "/ci/repo" }))).toEqual([
      ["tests/ShopTest.php::ShopTest::testTotal", "passed"],
      ["tests/ShopTest.php::ShopTest::testEmpty", "failed"],
    ]);
  });

  it("uses pytest's file attribute (junit_family=xunit1) to tell the module from classes", () => {
    const xml = `<testsuites><testsuite name="pytest">
<testcase classname="tests.TestUpper.test_x.TestA" name="test_b" file="tests/TestUpper/test_x.py" line="3" time="0.1"/>
<testcase classname="tests.test_y" name="test_c" file="tests\\test_y.py" line="1" time="0.1"/>
</testsuite></testsuites>`;
    expect(statuses(parseJUnit(xml))).toEqual([
      ["tests/TestUpper/test_x.py::TestA::test_b", "passed"],
      ["tests/test_y.py::test_c", "passed"],
    ]);
  });

  it("keys each part of a merged report (pytest + Surefire) by its own rules", () => {
    const xml = `<testsuites>
<testsuite name="pytest"><testcase classname="tests.test_a.TestA" name="test_b" time="0.1"/></testsuite>
<testsuite name="com.example.FooTest"><testcase classname="com.example.FooTest" name="testBar" time="0.1"/></testsuite>
</testsuites>`;
    expect(statuses(parseJUnit(xml))).toEqual([
      ["tests/test_a.py::TestA::test_b", "passed"],
      ["com.example.FooTest::testBar", "passed"],
    ]);
  });

  it("takes a path-like classname as the file, and drops a classname that is the file in dots", () => {
    const xml = suite(`<testcase classname="src/cart.test.ts" name="adds › twice"/>
<testcase classname="spec.models.user_spec" name="validates email" file="./spec/models/user_spec.rb"/>`);
    expect(statuses(parseJUnit(xml))).toEqual([
      ["src/cart.test.ts::adds::twice", "passed"],
      ["spec/models/user_spec.rb::validates email", "passed"],
    ]);
  });

  it("turns control characters in names into spaces and treats attribute names as plain data", () => {
    const xml = suite(`<testcase classname="constructor" name="__proto__"/><testcase classname="c" name="two&#10;lines&#9;here"/>`);
    expect(statuses(parseJUnit(xml))).toEqual([
      ["constructor::__proto__", "passed"],
      ["c::two lines here", "passed"],
    ]);
  });

  it("refuses a key longer than the contract allows rather than cutting it", () => {
    expect(parseError(suite(`<testcase classname="c" name="${"x".repeat(1000)}"/>`)).message).toMatch(/longer than 1000 characters/);
  });
});

describe("parseJUnit: reruns (the same key more than once)", () => {
  const rerun = (...cases: string[]) => parseJUnit(suite(cases.map((c) => `<testcase classname="t.C" name="test_a" time="1">${c}</testcase>`).join("\n")));

  it("passed after a failure is flaky, keeping the failure's message", () => {
    const report = rerun('<failure message="first try">trace 1</failure>', "");
    expect(report.results).toEqual([{ key: "t.C::test_a", status: "flaky", durationMs: 2000, message: "first try\n\ntrace 1", variant: null }]);
  });

  it("failing every time is failed with the last message; failing last is failed", () => {
    expect(rerun('<failure message="one"/>', '<error message="two"/>').results[0]).toMatchObject({ status: "failed", message: "two" });
    expect(rerun("", '<failure message="late"/>').results[0]).toMatchObject({ status: "failed", message: "late" });
  });

  it("passing twice is passed, and a skipped rerun does not change the outcome", () => {
    expect(rerun("", "").results[0]?.status).toBe("passed");
    expect(rerun('<failure message="x"/>', "", "<skipped/>").results[0]?.status).toBe("flaky");
    expect(rerun("<skipped/>", "<skipped/>").results[0]?.status).toBe("skipped");
  });
});

describe("parseJUnit: messages", () => {
  const messageOf = (body: string) => parseJUnit(suite(`<testcase classname="c" name="t">${body}</testcase>`)).results[0]?.message;

  it("keeps CDATA verbatim: no entity decoding inside it", () => {
    expect(messageOf('<failure message="m"><![CDATA[a &amp; <b>bold</b> ]] x]]></failure>')).toBe("m\n\na &amp; <b>bold</b> ]] x");
  });

  it("keeps <script> from a failure message as text", () => {
    expect(messageOf('<failure message="&lt;script&gt;alert(1)&lt;/script&gt;">&lt;img src=x onerror=alert(2)&gt;</failure>')).toBe(
      "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>",
    );
  });

  it("decodes character references once, leaves unknown and forbidden ones as written", () => {
    expect(messageOf('<failure message="a&#10;b &#x41; &amp;amp; &nbsp; &#0;"/>')).toBe("a\nb A &amp; &nbsp; &#0;");
  });

  it("joins several failures of one test (jest-junit writes one per expectation)", () => {
    expect(messageOf("<failure>first</failure><failure>second</failure>")).toBe("first\n\nsecond");
  });

  it("cuts messages to 64 KB of UTF-8 on a character boundary and says so", () => {
    const message = messageOf(`<failure message="huge">${"é€".repeat(30_000)}</failure>`) ?? "";
    expect(new TextEncoder().encode(message).length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(message).toMatch(/^huge\n\n(é€)+é?\n\[… truncated by Shipcheck\]$/);
    expect(message).not.toContain("\uFFFD");
  });

  it("ignores <properties>, <system-out> and <system-err>", () => {
    expect(
      messageOf('<properties><property name="a" value="b"/></properties><system-out>out</system-out><system-err>err</system-err>'),
    ).toBeNull();
  });
});

describe("parseJUnit: hostile and broken input", () => {
  it("refuses XXE: a DOCTYPE with an external entity", () => {
    const xxe = `<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<testsuite name="s"><testcase classname="c" name="t"><failure message="&x;">&x;</failure></testcase></testsuite>`;
    const error = parseError(xxe);
    expect(error.message).toMatch(/DOCTYPE/);
    expect(error.status).toBe(400);
    expect(error).toBeInstanceOf(AppError);
  });

  it("refuses billion laughs before expanding anything", () => {
    const levels = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join("\n");
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n${levels}\n]>\n<testsuite><testcase name="&lol9;"/></testsuite>`;
    const started = performance.now();
    expect(parseError(bomb).message).toMatch(/DOCTYPE/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("refuses a DOCTYPE in any case or position, and a bare entity declaration", () => {
    expect(parseError('<!doctype testsuite><testsuite><testcase name="t"/></testsuite>').message).toMatch(/DOCTYPE/);
    expect(parseError('<testsuite><!DOCTYPE x [<!ENTITY y "z">]><testcase name="t"/></testsuite>').message).toMatch(/DOCTYPE/);
    expect(parseError('<!ENTITY y "z"><testsuite><testcase name="t"/></testsuite>').message).toMatch(/DOCTYPE/);
  });

  it("accepts a DOCTYPE that is only text inside CDATA or a comment (a test printing HTML)", () => {
    const xml = suite('<!-- <!DOCTYPE html> --><testcase classname="c" name="t"><failure><![CDATA[<!DOCTYPE html><html></html>]]></failure></testcase>');
    expect(parseJUnit(xml).results[0]?.message).toBe("<!DOCTYPE html><html></html>");
  });

  it("stays fast on unclosed comments and CDATA, and refuses a DOCTYPE after an unclosed one", () => {
    const started = performance.now();
    expect(parseError(`<testsuite>${"<!--".repeat(100_000)}</testsuite>`).status).toBe(400);
    expect(parseError(`<testsuite>${"<![CDATA[".repeat(100_000)}</testsuite>`).status).toBe(400);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(parseError('<testsuite><!-- <!DOCTYPE x [<!ENTITY y "z">]><testcase name="t"/></testsuite>').message).toMatch(/DOCTYPE/);
  });

  it("refuses absurdly deep nesting without overflowing the stack", () => {
    const depth = 5000;
    const error = parseError(`${"<testsuite>".repeat(depth)}<testcase name="t"/>${"</testsuite>".repeat(depth)}`);
    expect(error.status).toBe(400);
    expect(error.message.length).toBeLessThan(300);
    expect(parseError("<".repeat(100_000)).message.length).toBeLessThan(300);
  });

  it("accepts a leading byte order mark", () => {
    expect(parseJUnit(`\uFEFF${suite('<testcase classname="c" name="t"/>')}`).results).toHaveLength(1);
  });

  it("reports malformed XML with its line and column", () => {
    const error = parseError('<testsuite>\n  <testcase name="a">\n</testsuite>');
    expect(error.message).toMatch(/not well-formed XML: .*\(line 3, column \d+\)/);
    expect(error.line).toBe(3);
    expect(error.column).toBeGreaterThan(0);
    expect(error.details?.[0]).toMatchObject({ line: 3 });
  });

  it("refuses documents that are not JUnit reports or hold no test cases", () => {
    expect(parseError("").message).toMatch(/XML/);
    expect(parseError("just text").message).toMatch(/XML/);
    expect(parseError("<html><body/></html>").message).toMatch(/root element is <html>/);
    expect(parseError('<testsuites><testsuite name="empty" tests="0"/></testsuites>').message).toMatch(/no test cases/);
    expect(parseError("<testsuite/><testsuite/>").message).toMatch(/XML/);
    expect(parseError("<testsuite/>").status).toBe(422);
  });

  it("refuses more than 20,000 results", () => {
    const cases = Array.from({ length: 20_001 }, (_, i) => `<testcase classname="c" name="t${i}"/>`).join("");
    const tooMany = parseError(suite(cases));
    expect(tooMany.message).toMatch(/at most 20,000 results; this one has more: split it/);
    expect(tooMany.code).toBe("payload_too_large");
  });

  it("parses a 10,000-test report quickly", () => {
    const cases = Array.from(
      { length: 10_000 },
      (_, i) =>
        `<testcase classname="tests.perf.test_bulk_${i % 50}.TestBulk" name="test_${i}" time="0.00${i % 10}">` +
        (i % 10 === 0 ? `<failure message="boom ${i}">trace &lt;${i}&gt;</failure>` : "") +
        "</testcase>",
    ).join("\n");
    const xml = suite(cases, 'name="pytest" timestamp="2026-11-27T10:00:00+00:00"');
    const started = performance.now();
    const report = parseJUnit(xml);
    const elapsed = performance.now() - started;
    console.log(`parseJUnit: 10,000 test cases (${(xml.length / 1024).toFixed(0)} KiB) in ${elapsed.toFixed(0)} ms`);
    expect(report.results).toHaveLength(10_000);
    expect(result(report, "tests/perf/test_bulk_0.py::TestBulk::test_0")).toMatchObject({ status: "failed", message: "boom 0\n\ntrace <0>" });
    expectValidPayload(report);
  });
});
