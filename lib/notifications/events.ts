// The notifications Shipcheck sends, by type: what a webhook endpoint subscribes to and what a
// person may turn off for their email.
export const NOTIFICATION_TYPES = ["gate.opened", "gate.closed", "signoff.needed", "signoff.rejected", "deployment.recorded", "rollback.recommended"] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const NOTIFICATION_LABELS: Record<NotificationType, string> = {
  "gate.opened": "A gate opened",
  "gate.closed": "A gate closed (with its reasons)",
  "signoff.needed": "A sign-off became the last thing blocking a gate",
  "signoff.rejected": "A manual item was rejected",
  "deployment.recorded": "A deploy was recorded",
  "rollback.recommended": "A rollback is recommended",
};

/** Audit actions that are notifications by themselves, announced in the transaction that audits them. */
export function notificationForAction(action: string): NotificationType | null {
  if (action === "deployment.recorded") return "deployment.recorded";
  if (/^(signoff|item)\.rejected$/.test(action)) return "signoff.rejected";
  return null;
}
