// Which result keys a check item's pattern covers: the rules of docs/templates.md, "Patterns".
// A pattern covers a key when it matches one of the key's nodes: the key itself, or a part of it
// from its start to a boundary (`::`, `/`, `$`, `[` or `(` outside brackets).

const BOUNDARY_CHARS = new Set(["/", "$", "[", "("]);

/** The key's nodes, each with the character the key goes on with right after it ("" at its end). */
export function keyNodes(key: string): { node: string; next: string }[] {
  const nodes: { node: string; next: string }[] = [];
  let depth = 0;
  for (let i = 0; i < key.length; i++) {
    const char = key[i]!;
    if (depth === 0 && i > 0 && (BOUNDARY_CHARS.has(char) || key.startsWith("::", i))) {
      nodes.push({ node: key.slice(0, i), next: char });
    }
    if (char === "[" || char === "(") depth++;
    else if ((char === "]" || char === ")") && depth > 0) depth--;
  }
  nodes.push({ node: key, next: "" });
  return nodes;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `*` (no `/`), `**` (anything), `?` (one character but `/`); everything else literal. */
function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; ) {
    if (glob.startsWith("**", i)) {
      const atStart = i === 0 || glob[i - 1] === "/";
      const slashAfter = glob[i + 2] === "/";
      if (atStart && slashAfter) {
        // `**/` at the start or after a `/`: any number of whole directories, none included.
        source += "(?:.*/)?";
        i += 3;
      } else {
        source += ".*";
        i += 2;
      }
    } else if (glob[i] === "*") {
      source += "[^/]*";
      i++;
    } else if (glob[i] === "?") {
      source += "[^/]";
      i++;
    } else {
      source += escapeRegExp(glob[i]!);
      i++;
    }
  }
  return new RegExp(`^${source}$`, "s");
}

type NodeTest = (node: string, next: string) => boolean;

function compile(raw: string): NodeTest {
  let pattern = raw.replace(/^(\.\/)+/, "");
  const directory = pattern.endsWith("/") && pattern.length > 1;
  if (directory) pattern = pattern.slice(0, -1);
  const matches: (node: string) => boolean = /[*?]/.test(pattern)
    ? ((re) => (node: string) => re.test(node))(globToRegExp(pattern))
    : (node) => node === pattern;
  return directory ? (node, next) => next === "/" && matches(node) : (node) => matches(node);
}

const compiled = new Map<string, NodeTest>();
// A release's keys are matched against every pattern of every item, for every environment: split
// each key once. Bounded, as the compiled patterns are.
const splitKeys = new Map<string, { node: string; next: string }[]>();

function nodesOf(key: string): { node: string; next: string }[] {
  let nodes = splitKeys.get(key);
  if (!nodes) {
    nodes = keyNodes(key);
    if (splitKeys.size > 100_000) splitKeys.clear();
    splitKeys.set(key, nodes);
  }
  return nodes;
}

export function patternMatches(pattern: string, key: string): boolean {
  let test = compiled.get(pattern);
  if (!test) {
    test = compile(pattern);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, test);
  }
  return nodesOf(key).some(({ node, next }) => test(node, next));
}
