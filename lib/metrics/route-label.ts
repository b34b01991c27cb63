// A request's route for metric labels: the path with its names and ids replaced by what they
// stand for, so a label never grows with the data (one series per route, not per release).

/** A segment after one of these is a value, named after it. */
const PARAMETER_AFTER: Record<string, string> = {
  projects: ":project",
  releases: ":version",
  items: ":item",
  templates: ":template",
  versions: ":templateVersion",
  tokens: ":token",
  members: ":member",
  users: ":user",
  signoffs: ":signoff",
  overrides: ":override",
  evidence: ":evidence",
  webhooks: ":webhook",
  deliveries: ":delivery",
  // The CLI download: shipcheck.mjs and any shipcheck-<version>.mjs a pipeline pins are one route.
  cli: ":file",
};

/** Collections followed by several values: a public badge is /badges/<key>/<release>/<environment>.svg. */
const PARAMETERS_AFTER: Record<string, string[]> = { badges: [":key", ":release", ":environment"] };

const WORD = /^[a-z][a-z0-9.-]{0,39}$/;
const MAX_SEGMENTS = 10;

export function routeLabel(url: string): string {
  const path = url.split("?")[0] ?? "/";
  if (path.startsWith("/_next/")) return "/_next/*";
  const segments = path.split("/").filter(Boolean);
  if (segments.length > MAX_SEGMENTS) return "other";
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const many = Object.hasOwn(PARAMETERS_AFTER, segments[i]!) ? PARAMETERS_AFTER[segments[i]!]! : null;
    if (many) {
      out.push(segments[i]!, ...many.slice(0, segments.length - i - 1));
      i += many.length;
      continue;
    }
    const previous = segments[i - 1];
    const parameter = previous !== undefined && Object.hasOwn(PARAMETER_AFTER, previous) ? PARAMETER_AFTER[previous] : undefined;
    // A value after a collection's name; a fixed word otherwise, and anything else is an id.
    out.push(parameter ?? (WORD.test(segments[i]!) ? segments[i]! : ":id"));
  }
  return `/${out.join("/")}`;
}
