// How many results a JSON report holds, read where a parse can't hold up other requests (the
// worker of lib/templates/markdown-pool.ts): parsing 11 MB of JSON takes the event loop 100 ms and
// more, and a report of 100,000 results is refused anyway (413). Shipcheck JSON counts its
// `results`, CTRF its `results.tests`; any other shape is left to the usual validation.

export type ResultCount = { count: number | null } | { invalid: string };

export function countResults(text: string): ResultCount {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { invalid: (error as Error).message };
  }
  const results = (body as { results?: unknown } | null)?.results;
  if (Array.isArray(results)) return { count: results.length };
  const tests = (results as { tests?: unknown } | null)?.tests;
  return { count: Array.isArray(tests) ? tests.length : null };
}
