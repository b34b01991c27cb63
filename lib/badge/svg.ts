// The gate badge: a small flat SVG ("gate | open"), built from a template string with every piece
// of text escaped. No scripts, no external references.
import type { GateDecision } from "@/lib/gate";

export type BadgeTone = "open" | "blocked" | "overridden";

const COLOR: Record<BadgeTone, string> = { open: "#2e7d32", blocked: "#c62828", overridden: "#b26a00" };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** Rough Verdana 11px advance widths: enough to size the two halves so the text fits. */
function textWidth(text: string): number {
  let width = 0;
  for (const c of text) {
    if ("il.,:;'|!()[]{} ".includes(c)) width += 3.6;
    else if ("mwMW@%".includes(c)) width += 10;
    else if (c >= "A" && c <= "Z") width += 7.6;
    else width += 6.6;
  }
  return Math.ceil(width);
}

export function badgeMessage(gate: Pick<GateDecision, "open" | "overridden" | "blocking">): { message: string; tone: BadgeTone } {
  if (gate.overridden) return { message: "overridden", tone: "overridden" };
  if (gate.open) return { message: "open", tone: "open" };
  return { message: `blocked (${gate.blocking.length})`, tone: "blocked" };
}

/** `label | message`, coloured by tone; `title` is the tooltip and accessible name. */
export function badgeSvg({ label, message, tone, title }: { label: string; message: string; tone: BadgeTone; title: string }): string {
  const left = textWidth(label) + 12;
  const right = textWidth(message) + 12;
  const width = left + right;
  const l = escapeXml(label);
  const m = escapeXml(message);
  const t = escapeXml(title);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${t}">`,
    `<title>${t}</title>`,
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`,
    `<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>`,
    `<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${COLOR[tone]}"/><rect width="${width}" height="20" fill="url(#s)"/></g>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">`,
    `<text x="${left / 2}" y="15" fill="#010101" fill-opacity=".3">${l}</text><text x="${left / 2}" y="14">${l}</text>`,
    `<text x="${left + right / 2}" y="15" fill="#010101" fill-opacity=".3">${m}</text><text x="${left + right / 2}" y="14">${m}</text>`,
    `</g></svg>`,
  ].join("");
}
