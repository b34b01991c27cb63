"use client";
// A project's webhook endpoints: add one (its signing secret is shown once), see each one's latest
// deliveries with every attempt's response code, redeliver one, delete an endpoint.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { createWebhookAction, deleteWebhookAction, redeliverAction } from "@/app/projects/[project]/settings/actions";
import { FormError } from "@/components/form-error";
import { LocalTime } from "@/components/local-time";
import { NOTIFICATION_LABELS, NOTIFICATION_TYPES } from "@/lib/notifications/events";
import type { DeliveryView, WebhookView } from "@/lib/server/webhooks";

export type WebhookWithDeliveries = WebhookView & { deliveries: DeliveryView[] };

const STATUS_STYLE: Record<string, string> = {
  delivered: "bg-emerald-100 text-emerald-900",
  pending: "bg-amber-100 text-amber-950",
  failed: "bg-red-100 text-red-900",
};

function attemptLabel(a: DeliveryView["attempts"][number]) {
  return a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? "no answer");
}

export function WebhooksPanel({ project, webhooks }: { project: string; webhooks: WebhookWithDeliveries[] }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const events = form.getAll("events").map(String);
    setError(null);
    setSecret(null);
    startTransition(async () => {
      const outcome = await createWebhookAction(project, {
        url: String(form.get("url") ?? ""),
        format: String(form.get("format") ?? "standard"),
        // Every type ticked is the same as "every type", which also covers types added later.
        events: events.length === NOTIFICATION_TYPES.length ? [] : events,
      });
      if (!outcome.ok) return setError(outcome.error.message);
      setSecret(outcome.value.secret);
      router.refresh();
    });
  }

  function remove(hook: WebhookView) {
    if (!window.confirm(`Delete the webhook to ${hook.url}? Nothing more is sent there, and its deliveries are deleted.`)) return;
    startTransition(async () => {
      const outcome = await deleteWebhookAction(project, hook.id);
      if (!outcome.ok) setError(outcome.error.message);
      router.refresh();
    });
  }

  function resend(hook: WebhookView, delivery: DeliveryView) {
    startTransition(async () => {
      const outcome = await redeliverAction(project, hook.id, delivery.id);
      if (!outcome.ok) setError(outcome.error.message);
      router.refresh();
    });
  }

  return (
    <div className="space-y-4">
      <form onSubmit={create} aria-label="New webhook" className="space-y-3 text-sm">
        <div className="flex flex-wrap items-end gap-3">
          <label className="min-w-0 flex-1 basis-64 font-medium">
            URL
            <input name="url" type="url" required maxLength={2000} placeholder="https://hooks.example.com/shipcheck" className="mt-1 block w-full rounded border border-slate-300 px-2 py-1.5 font-mono" />
          </label>
          <label className="font-medium">
            Format
            <select name="format" defaultValue="standard" className="mt-1 block rounded border border-slate-300 px-2 py-1.5">
              <option value="standard">Standard Webhooks (signed JSON)</option>
              <option value="slack">Slack or Teams (incoming webhook)</option>
            </select>
          </label>
        </div>
        <fieldset className="flex flex-wrap gap-x-4 gap-y-1">
          <legend className="mb-1 font-medium">Send</legend>
          {NOTIFICATION_TYPES.map((type) => (
            <label key={type} className="flex items-center gap-1">
              <input type="checkbox" name="events" value={type} defaultChecked />
              {NOTIFICATION_LABELS[type]}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          Add webhook
        </button>
      </form>
      {secret ? (
        <div role="status" className="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm">
          <p className="font-medium">Copy the signing secret now: it is shown only once.</p>
          <p className="text-slate-700">Verify each request&apos;s <code className="font-mono">webhook-signature</code> with it (any Standard Webhooks library does).</p>
          <code className="mt-1 block break-all rounded bg-white p-2 font-mono text-xs">{secret}</code>
        </div>
      ) : null}
      <FormError message={error} />
      {webhooks.length === 0 ? <p className="text-sm text-slate-600">No webhooks yet.</p> : null}
      <ul className="space-y-4">
        {webhooks.map((hook) => (
          <li key={hook.id} className="rounded border border-slate-200 p-3" aria-label={`Webhook ${hook.url}`}>
            <div className="flex flex-wrap items-start justify-between gap-2">
              <div className="min-w-0">
                <p className="break-all font-mono text-sm">{hook.url}</p>
                <p className="text-xs text-slate-600">
                  {hook.format === "slack" ? "Slack or Teams" : "Standard Webhooks"} · {hook.events.length ? hook.events.join(", ") : "every notification"} · added by {hook.createdBy}
                </p>
              </div>
              <div className="flex gap-3 text-xs">
                <button type="button" onClick={() => router.refresh()} className="underline">
                  Refresh
                </button>
                <button type="button" onClick={() => remove(hook)} disabled={pending} aria-label={`Delete webhook ${hook.url}`} className="text-red-700 underline">
                  Delete
                </button>
              </div>
            </div>
            <h3 className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">Latest deliveries</h3>
            {hook.deliveries.length === 0 ? <p className="text-sm text-slate-600">Nothing sent yet.</p> : null}
            <ul className="mt-1 divide-y divide-slate-100 text-sm">
              {hook.deliveries.map((d) => (
                <li key={d.id} className="flex flex-wrap items-start justify-between gap-2 py-2" aria-label={`Delivery ${d.type} ${d.status}`}>
                  <div className="min-w-0">
                    <p>
                      <span className="font-medium">{d.type}</span>{" "}
                      <span className={`rounded px-1.5 py-0.5 text-xs ${STATUS_STYLE[d.status] ?? ""}`}>{d.status}</span>{" "}
                      <span className="text-xs text-slate-600">
                        <LocalTime iso={d.createdAt} />
                      </span>
                    </p>
                    <p className="break-all font-mono text-xs text-slate-600">{d.messageId}</p>
                    {d.attempts.length ? (
                      <ol className="mt-1 space-y-0.5 text-xs" aria-label="Attempts">
                        {d.attempts.map((a, i) => (
                          <li key={i} className="break-words">
                            <span className={a.statusCode !== null && a.statusCode < 300 ? "text-emerald-800" : "text-red-800"}>{attemptLabel(a)}</span> · {a.durationMs} ms ·{" "}
                            <LocalTime iso={a.startedAt} />
                          </li>
                        ))}
                      </ol>
                    ) : (
                      <p className="text-xs text-slate-600">Not tried yet.</p>
                    )}
                    {d.status === "pending" && d.attempts.length && d.nextAttemptAt ? (
                      <p className="text-xs text-slate-600">
                        Next try <LocalTime iso={d.nextAttemptAt} />
                      </p>
                    ) : null}
                  </div>
                  <button type="button" onClick={() => resend(hook, d)} disabled={pending} className="rounded border border-slate-300 px-2 py-1 text-xs font-medium hover:bg-slate-50">
                    Redeliver
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
