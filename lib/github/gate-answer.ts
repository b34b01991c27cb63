// What Shipcheck tells GitHub about a gate: a commit status `shipcheck/<environment>`, and the
// answer to a deployment protection rule. Pure: the gate's decision in, GitHub's request bodies out.
import type { Blocker, GateDecision } from "@/lib/gate";

/** GitHub keeps a status description to 140 characters. */
export const STATUS_DESCRIPTION_MAX = 140;
/** Kept short enough for the review comment GitHub shows on the deployment. */
export const REVIEW_COMMENT_MAX = 1000;

export const statusContext = (environment: string) => `shipcheck/${environment}`;

export type CommitStatusBody = { state: "success" | "failure" | "pending"; target_url: string; description: string; context: string };

/** Reasons a later change cannot turn into a pass on its own: GitHub is told no (a rejection is final there). */
const FINAL_REASONS = new Set<Blocker["reason"]>(["failed", "flaky", "metric", "rejected"]);

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * Closed for good: something failed or was rejected here, or in an earlier environment this one
 * waits for. Missing results, sign-offs still wanted, stale ones and a deploy lock can all still
 * come right, so the request waits.
 */
export function closedForGood(decision: GateDecision, gates: GateDecision[]): boolean {
  if (decision.open) return false;
  return decision.blocking.some((b) => {
    if (FINAL_REASONS.has(b.reason)) return true;
    if (b.reason !== "previous-environment") return false;
    const earlier = gates.find((g) => `environment:${g.environment}` === b.item);
    return earlier !== undefined && earlier !== decision && closedForGood(earlier, gates);
  });
}

function reasonText(b: Blocker): string {
  return oneLine(`${b.title}: ${b.detail || b.reason}`);
}

export function commitStatusBody(decision: GateDecision, gates: GateDecision[], targetUrl: string): CommitStatusBody {
  const context = statusContext(decision.environment);
  if (decision.open) {
    const description = decision.overridden ? `Gate open by override: ${oneLine(decision.override?.reason ?? "")}` : "Gate open: every item is satisfied";
    return { state: "success", target_url: targetUrl, description: clip(description, STATUS_DESCRIPTION_MAX), context };
  }
  const state = closedForGood(decision, gates) ? "failure" : "pending";
  const description = `Blocked (${decision.blocking.length}): ${decision.blocking.map(reasonText).join("; ")}`;
  return { state, target_url: targetUrl, description: clip(description, STATUS_DESCRIPTION_MAX), context };
}

// GitHub renders the comment as Markdown: untrusted text (titles, details) is escaped so it
// cannot become a link, a mention or markup.
export const markdownText = (text: string) => oneLine(text).replace(/[\\`*_{}[\]()#+\-.!|<>@~&:]/g, (c) => `\\${c}`);

export type ProtectionAnswer = { state: "approved" | "rejected"; comment: string };

/** The answer to a protection rule request, or null to keep it waiting. */
export function protectionAnswer(decision: GateDecision, gates: GateDecision[], release: { version: string; url: string }): ProtectionAnswer | null {
  const link = `[${markdownText(release.version)} in Shipcheck](${release.url})`;
  const where = markdownText(decision.environment);
  if (decision.open) {
    const how = decision.overridden ? ` by an override: ${markdownText(decision.override?.reason ?? "")}` : "";
    return { state: "approved", comment: clip(`**The Shipcheck gate for ${where} is open${how}.** ${link}`, REVIEW_COMMENT_MAX) };
  }
  if (!closedForGood(decision, gates)) return null;
  return { state: "rejected", comment: rejectionComment(`The Shipcheck gate for ${where} is closed`, decision.blocking, link) };
}

/** A rejection naming its reasons, as many as fit, then how many more there are. */
export function rejectionComment(headline: string, blocking: { title: string; reason: string; detail: string }[], link: string): string {
  const head = `**${headline}.** ${link}`;
  const lines: string[] = [];
  for (const [i, b] of blocking.entries()) {
    const line = `- **${markdownText(b.title)}** (${b.reason}): ${markdownText(b.detail)}`;
    const more = `- …and ${blocking.length - i} more`;
    if ([head, "", ...lines, line].join("\n").length + more.length + 1 > REVIEW_COMMENT_MAX) {
      lines.push(more);
      break;
    }
    lines.push(line);
  }
  return clip([head, "", ...lines].join("\n"), REVIEW_COMMENT_MAX);
}
