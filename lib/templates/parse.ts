// YAML (or JSON, which is YAML) text -> a validated template, with a location for every problem.
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { humanMessage } from "@/lib/validation/wording";
import { templateSchema, type TemplateDefinition } from "./schema";

export type TemplateProblem = { path: string; message: string; line?: number; column?: number };

export type ParseOutcome =
  | { ok: true; template: TemplateDefinition }
  | { ok: false; problems: TemplateProblem[] };

export const MAX_TEMPLATE_BYTES = 1_000_000;

export function parseTemplate(source: string): ParseOutcome {
  if (Buffer.byteLength(source, "utf8") > MAX_TEMPLATE_BYTES) {
    return { ok: false, problems: [{ path: "", message: `template is larger than ${MAX_TEMPLATE_BYTES} bytes` }] };
  }
  const lineCounter = new LineCounter();
  // Aliases are refused: they let a tiny document expand into a huge one.
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return { path: "", message: error.message.split("\n")[0] ?? error.message, line: at.line, column: at.col };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (error) {
    return { ok: false, problems: [{ path: "", message: (error as Error).message }] };
  }
  const parsed = templateSchema.safeParse(value);
  if (parsed.success) return { ok: true, template: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const path = issue.path.map(String);
      const node = nodeAt(doc.contents, path);
      const at = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
      return { path: path.join("."), message: humanMessage(issue), line: at?.line, column: at?.col };
    }),
  };
}

/** The deepest YAML node along a path, so an error points at the closest line. */
function nodeAt(root: unknown, path: string[]): Node | undefined {
  let node = root as Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const next = node.get(segment, true) as Node | undefined;
      if (!next) break;
      node = next;
    } else if (isSeq(node)) {
      const next = node.get(Number(segment), true) as Node | undefined;
      if (!next) break;
      node = next;
    } else break;
  }
  return node ?? undefined;
}
