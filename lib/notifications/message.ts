// What a notification says, in the three shapes it is sent in: Standard Webhooks JSON, the
// incoming-webhook JSON that Slack and Teams read, and a plain-text email.
import type { NotificationType } from "./events";
import { NOTIFICATION_LABELS } from "./events";

export type NotificationReason = { item: string; title: string; reason: string; detail: string };

export type Notification = {
  type: NotificationType;
  project: { slug: string; name: string };
  release: { version: string; commit: string };
  environment: string | null;
  /** What blocks the gate (gate.closed, signoff.needed), or what was rejected and why. */
  reasons: NotificationReason[];
  /** Who did it, for changes made by someone (a deploy, a rejection). */
  actor: string | null;
  url: string;
};

/** The release page's address, from the public URL people use (NEXTAUTH_URL). */
export function releaseUrl(projectSlug: string, version: string, environment: string | null, publicUrl = process.env.NEXTAUTH_URL ?? "http://localhost:3000"): string {
  const base = publicUrl.replace(/\/+$/, "");
  const query = environment ? `?env=${encodeURIComponent(environment)}` : "";
  return `${base}/projects/${encodeURIComponent(projectSlug)}/releases/${encodeURIComponent(version)}${query}`;
}

/** Standard Webhooks' recommended shape: type, timestamp, data. */
export function standardPayload(n: Notification, at: Date) {
  return {
    type: n.type,
    timestamp: at.toISOString(),
    data: { project: n.project, release: n.release, environment: n.environment, reasons: n.reasons, actor: n.actor, url: n.url },
  };
}

export function headline(n: Notification): string {
  const where = n.environment ? ` ${n.environment}` : "";
  const release = `${n.project.name} ${n.release.version}`;
  switch (n.type) {
    case "gate.opened":
      return `${release}: the${where} gate is open`;
    case "gate.closed":
      return `${release}: the${where} gate closed (${n.reasons.length} blocking)`;
    case "signoff.needed":
      return `${release}: one sign-off left before the${where} gate opens`;
    case "signoff.rejected":
      return `${release}: ${n.reasons[0]?.title ?? "an item"} was rejected for${where}${n.actor ? ` by ${n.actor}` : ""}`;
    case "deployment.recorded":
      return `${release} was deployed to${where}${n.actor ? ` by ${n.actor}` : ""}`;
    case "rollback.recommended":
      return `${release}: rollback recommended on${where}`;
  }
}

const reasonLine = (r: NotificationReason) => `${r.title}: ${r.detail || r.reason}`;

// Slack reads <, > and & as markup: untrusted text (titles, reasons) is escaped, never linked.
const slackEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Incoming-webhook JSON: `text` is what Teams and Slack both show; `blocks` lays it out in Slack. */
export function slackPayload(n: Notification) {
  const title = slackEscape(headline(n));
  const reasons = n.reasons.slice(0, 10).map((r) => `• ${slackEscape(reasonLine(r))}`);
  if (n.reasons.length > 10) reasons.push(`• …and ${n.reasons.length - 10} more`);
  const text = [`*${title}*`, ...reasons, `<${n.url}|Open ${slackEscape(n.release.version)} in Shipcheck>`].join("\n");
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: [`*${title}*`, ...reasons].join("\n") } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `${slackEscape(n.project.slug)} · ${slackEscape(n.release.version)} · ${n.environment ? slackEscape(n.environment) : "all environments"} · <${n.url}|open in Shipcheck>` }],
      },
    ],
  };
}

export function emailMessage(n: Notification): { subject: string; text: string } {
  const lines = [headline(n), ""];
  if (n.reasons.length) lines.push(...n.reasons.map((r) => `- ${reasonLine(r)}`), "");
  lines.push(`Release: ${n.release.version} (commit ${n.release.commit.slice(0, 12)})`);
  if (n.environment) lines.push(`Environment: ${n.environment}`);
  lines.push(`Open it: ${n.url}`, "", `You get this because you can act on it in ${n.project.name}. Choose which notifications you get on your account page.`);
  return { subject: `[Shipcheck] ${headline(n)}`, text: lines.join("\n") };
}

export const notificationLabel = (type: NotificationType) => NOTIFICATION_LABELS[type];
