// Untrusted XML -> a small element tree, with fast-xml-parser doing the parsing. Safety first:
// documents with a DTD are refused outright (no XXE, no billion laughs), entity expansion is off,
// and only XML's own five entities and character references are decoded, once.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ReportParseError } from "./report";

export type XmlElement = { tag: string; attrs: Record<string, string>; children: XmlNode[] };
export type XmlNode = XmlElement | { text: string };

const CDATA = "#cdata";
const TEXT = "#text";
const ATTRS = ":@";

const parser = new XMLParser({
  preserveOrder: true, // document order matters: reruns are told apart by which came last
  ignoreAttributes: false,
  attributeNamePrefix: "",
  processEntities: false, // never expand entities; see decodeXmlEntities
  htmlEntities: false,
  parseTagValue: false, // "007" stays a string
  parseAttributeValue: false,
  trimValues: false, // messages are kept as written
  cdataPropName: CDATA, // CDATA is literal: it must not go through entity decoding
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Parses a document, refusing anything with a DTD and reporting malformed XML with its position. */
export function parseXml(text: string): XmlElement {
  const xml = text.replace(/^\uFEFF/, ""); // a byte order mark some Windows tools write
  refuseDtd(xml);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    const where = line ? ` (line ${line}${col ? `, column ${col}` : ""})` : "";
    throw new ReportParseError(`the report is not well-formed XML: ${clip(msg)}${where}`, {
      code: "bad_request",
      line: line || undefined,
      column: col || undefined,
    });
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(xml);
  } catch (error) {
    throw new ReportParseError(`the report could not be read as XML: ${clip((error as Error).message)}`, { code: "bad_request" });
  }
  return rootElement(toNodes(parsed));
}

/** The parser's messages can quote the input at length; an error reply should not echo megabytes. */
function clip(message: string): string {
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}

/**
 * A DOCTYPE is the only way to declare entities, so refusing it closes XXE and entity-expansion
 * attacks whatever the parser would do. Text that merely mentions a DOCTYPE inside CDATA or a
 * comment (a test printing an HTML page) is not a declaration and is allowed.
 */
function refuseDtd(xml: string): void {
  if (declaresDtd(xml)) {
    throw new ReportParseError("XML reports with a DOCTYPE or entity declarations are not accepted", { code: "bad_request" });
  }
}

/** One linear pass (no backtracking regex, no repeated searches), so hostile input cannot make it slow. */
function declaresDtd(xml: string): boolean {
  const unclosed = new Set<string>(); // once a closer is missing after some point, it is missing after every later one
  for (let at = xml.indexOf("<!"); at >= 0; at = xml.indexOf("<!", at)) {
    const closer = xml.startsWith("<![CDATA[", at) ? "]]>" : xml.startsWith("<!--", at) ? "-->" : null;
    if (closer) {
      // An unclosed section is skipped only past its opener: whatever follows is still checked.
      const end = unclosed.has(closer) ? -1 : xml.indexOf(closer, at + 4);
      if (end < 0) unclosed.add(closer);
      at = end < 0 ? at + 4 : end + closer.length;
      continue;
    }
    if (/^(DOCTYPE|ENTITY)/i.test(xml.slice(at + 2, at + 9))) return true;
    at += 2;
  }
  return false;
}

function rootElement(nodes: XmlNode[]): XmlElement {
  const elements = nodes.filter((n): n is XmlElement => "tag" in n);
  if (elements.length !== 1) {
    throw new ReportParseError(
      elements.length === 0 ? "the XML document has no root element" : "the XML document has more than one root element",
      { code: "bad_request" },
    );
  }
  return elements[0]!;
}

/** fast-xml-parser's ordered output (`[{tag: [...children], ":@": {attrs}}]`) to XmlNode[]. */
function toNodes(raw: unknown): XmlNode[] {
  if (!Array.isArray(raw)) return [];
  const nodes: XmlNode[] = [];
  for (const entry of raw as Record<string, unknown>[]) {
    for (const [name, value] of Object.entries(entry)) {
      if (name === ATTRS) continue;
      if (name === TEXT) nodes.push({ text: decodeXmlEntities(String(value)) });
      else if (name === CDATA) nodes.push({ text: cdataText(value) });
      else nodes.push({ tag: name, attrs: toAttrs(entry[ATTRS]), children: toNodes(value) });
    }
  }
  return nodes;
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return "";
  return value.map((part: Record<string, unknown>) => String(part[TEXT] ?? "")).join("");
}

function toAttrs(raw: unknown): Record<string, string> {
  // A prototype-less record: attribute names such as "__proto__" are just names here.
  const attrs: Record<string, string> = Object.create(null);
  if (raw && typeof raw === "object") {
    for (const [name, value] of Object.entries(raw)) attrs[name] = decodeXmlEntities(String(value));
  }
  return attrs;
}

const XML_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/**
 * XML's predefined entities and character references, decoded exactly once (so `&amp;lt;`
 * stays `&lt;`). Anything else, including references to characters XML forbids, is left as written.
 */
export function decodeXmlEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/g, (whole, dec, hex, name) => {
    if (name) return XML_ENTITIES[name as string]!;
    const code = dec !== undefined ? Number(dec) : parseInt(hex as string, 16);
    return isXmlChar(code) ? String.fromCodePoint(code) : whole;
  });
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

export function isElement(node: XmlNode): node is XmlElement {
  return "tag" in node;
}

/** Child elements with the given tag. */
export function childElements(element: XmlElement, tag?: string): XmlElement[] {
  return element.children.filter((n): n is XmlElement => isElement(n) && (tag === undefined || n.tag === tag));
}

/** The element's own text and CDATA, in order (not that of child elements). */
export function ownText(element: XmlElement): string {
  return element.children.map((n) => ("text" in n ? n.text : "")).join("");
}
