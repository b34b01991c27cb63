// Which result keys a check item's pattern covers.
import picomatch from "picomatch";

const matchers = new Map<string, (key: string) => boolean>();

/**
 * A pattern is a glob (`tests/smoke/*`), a pytest node id prefix
 * (`tests/x.py::TestClass` covers `tests/x.py::TestClass::test_y`) or a directory
 * (`tests/mission_critical/` covers everything below it).
 */
export function patternMatches(pattern: string, key: string): boolean {
  let matcher = matchers.get(pattern);
  if (!matcher) {
    const glob = picomatch(pattern, { dot: true });
    matcher = (candidate: string) =>
      candidate === pattern ||
      candidate.startsWith(`${pattern}::`) ||
      (pattern.endsWith("/") && candidate.startsWith(pattern)) ||
      glob(candidate);
    matchers.set(pattern, matcher);
  }
  return matcher(key);
}
