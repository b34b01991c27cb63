"use client";
// Sign-offs of one manual item for one environment: who signed, with what evidence, and the form
// to sign (with a link or a file as evidence), revoke, or reject the item with a reason.
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, useTransition } from "react";
import { ReasonDialog } from "./reason-dialog";
import { rejectItemAction, revokeSignOffAction, signOffAction } from "@/app/projects/[project]/releases/[version]/actions";
import { REJECTION_REASON_MAX } from "@/lib/validation/signoff";
import { RejectionList } from "./rejection-list";
import type { ItemEnvironmentState, SignOffView } from "@/lib/server/get-release-state";
import { LocalTime } from "../local-time";
import { releaseQueryKey } from "./release-query";
import { FormError } from "@/components/form-error";

type Props = {
  project: string;
  version: string;
  itemKey: string;
  itemTitle: string;
  /** The item's version as the page shows it: a sign-off made against an older one is refused. */
  itemVersion: number;
  evidencePolicy: "none" | "optional" | "required";
  environment: string;
  state: ItemEnvironmentState;
  canSignOff: boolean;
  viewerId: string | null;
  /** The release's current commit: rejections for another one are history. */
  releaseCommit: string;
};

const MAX_FILE_BYTES = 10 * 1024 * 1024;
const ACCEPT = ".png,.jpg,.jpeg,.pdf,.har,.json,image/png,image/jpeg,application/pdf,application/json";

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

const evidenceHref = (project: string, version: string, id: string) =>
  `/api/v1/projects/${encodeURIComponent(project)}/releases/${encodeURIComponent(version)}/evidence/${encodeURIComponent(id)}`;

/** A link shown by its host and path, never as a clickable `javascript:` (the API only keeps http and https). */
function linkLabel(url: string): string {
  try {
    const u = new URL(url);
    const text = `${u.host}${u.pathname === "/" ? "" : u.pathname}`;
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  } catch {
    return url.slice(0, 60);
  }
}

function Evidence({ signOff, project, version }: { signOff: SignOffView; project: string; version: string }) {
  const parts = [];
  if (signOff.evidenceUrl && /^https?:\/\//i.test(signOff.evidenceUrl)) {
    parts.push(
      <a key="link" href={signOff.evidenceUrl} target="_blank" rel="noopener noreferrer nofollow" className="text-sky-700 underline" title={signOff.evidenceUrl}>
        {linkLabel(signOff.evidenceUrl)}
      </a>,
    );
  }
  if (signOff.evidence) {
    parts.push(
      <span key="file">
        <a href={evidenceHref(project, version, signOff.evidence.id)} download={signOff.evidence.filename} className="text-sky-700 underline">
          {signOff.evidence.filename}
        </a>{" "}
        <span className="text-xs">({formatBytes(signOff.evidence.size)})</span>
      </span>,
    );
  }
  if (parts.length === 0) return null;
  return <span className="inline-flex flex-wrap items-baseline gap-x-2">· evidence: {parts}</span>;
}

export function SignOffPanel({ project, version, itemKey, itemTitle, itemVersion, evidencePolicy, environment, state, canSignOff, viewerId, releaseCommit }: Props) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  // The item as it was when the form was opened: someone else's sign-off since then is a conflict.
  const [seenVersion, setSeenVersion] = useState(itemVersion);
  const [comment, setComment] = useState("");
  const [evidenceUrl, setEvidenceUrl] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  // The sign-off whose revocation is being asked for, with a reason, in a dialog.
  const [revoking, setRevoking] = useState<{ id: string; by: string } | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [pending, startTransition] = useTransition();
  const alreadySigned = state.signOffs.some((s) => s.userId === viewerId && !s.revokedAt && !s.stale);
  const alreadyRejected = state.rejections.some((r) => r.userId === viewerId && r.standing);
  const canReject = canSignOff && state.status !== "not-applicable" && !alreadyRejected;
  const stepsLeft = state.steps.filter((s) => !s.ticked).length;
  const formId = `signoff-${itemKey}-${environment}`;

  function refresh() {
    return queryClient.invalidateQueries({ queryKey: releaseQueryKey(project, version) });
  }

  function reset() {
    setOpen(false);
    setComment("");
    setEvidenceUrl("");
    setFile(null);
    if (fileInput.current) fileInput.current.value = "";
  }

  async function upload(): Promise<{ ok: boolean; status: number; message: string }> {
    const body = new FormData();
    body.set("environment", environment);
    body.set("expectedVersion", String(seenVersion));
    if (comment.trim()) body.set("comment", comment);
    if (evidenceUrl.trim()) body.set("evidenceUrl", evidenceUrl.trim());
    body.set("file", file!);
    const response = await fetch(`/api/v1/projects/${encodeURIComponent(project)}/releases/${encodeURIComponent(version)}/items/${encodeURIComponent(itemKey)}/signoffs`, {
      method: "POST",
      body,
      headers: { accept: "application/json" },
    });
    if (response.ok) return { ok: true, status: response.status, message: "" };
    const payload = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: { message: string }[] } } | null;
    // Every wrong field's own sentence when the API names them, as the form without a file shows.
    const problems = payload?.error?.code === "validation_failed" ? payload.error.details?.map((d) => d.message).join(" ") : undefined;
    return { ok: false, status: response.status, message: problems || (payload?.error?.message ?? `the sign-off failed (HTTP ${response.status})`) };
  }

  function submit() {
    setError(null);
    if (evidencePolicy === "required" && !file && !evidenceUrl.trim()) {
      setError("This item needs evidence: attach a file or give a link.");
      return;
    }
    if (file && file.size > MAX_FILE_BYTES) {
      setError(`${file.name} is ${formatBytes(file.size)}; evidence files are at most 10 MB.`);
      return;
    }
    startTransition(async () => {
      let failure: { status: number; message: string } | null = null;
      if (file) {
        const outcome = await upload().catch(() => ({ ok: false, status: 0, message: "the upload failed; check your connection and try again" }));
        if (!outcome.ok) failure = outcome;
      } else {
        const outcome = await signOffAction(project, version, itemKey, { environment, comment, evidenceUrl: evidenceUrl.trim() || undefined, expectedVersion: seenVersion });
        if (!outcome.ok) failure = { status: outcome.error.code === "conflict" ? 409 : 400, message: outcome.error.message };
      }
      if (failure) {
        // Someone else acted on the item: show what they did, and let the reader decide again.
        setError(failure.status === 409 ? `${failure.message}. It now shows what changed; sign again if it is still needed.` : failure.message);
        if (failure.status === 409) {
          setOpen(false);
          await refresh();
        }
        return;
      }
      reset();
      await refresh();
    });
  }

  function revoke(signOffId: string, reason: string) {
    setError(null);
    startTransition(async () => {
      const outcome = await revokeSignOffAction(project, version, signOffId, { reason });
      setRevoking(null);
      if (!outcome.ok) setError(outcome.error.message);
      await refresh();
    });
  }

  function reject(reason: string) {
    setError(null);
    startTransition(async () => {
      const outcome = await rejectItemAction(project, version, itemKey, { environment, reason, expectedVersion: itemVersion });
      setRejecting(false);
      if (!outcome.ok) setError(outcome.error.message);
      await refresh();
    });
  }

  return (
    <div className="mt-2 space-y-2 text-sm">
      <RejectionList rejections={state.rejections} releaseCommit={releaseCommit} />
      {state.signOffs.length > 0 ? (
        <ul className="space-y-1" aria-label="Sign-offs">
          {state.signOffs.map((s) => {
            const inactive = s.revokedAt || s.stale;
            return (
              <li key={s.id} className={`flex flex-wrap items-baseline gap-x-2 [overflow-wrap:anywhere] ${inactive ? "text-slate-400" : "text-slate-800"}`}>
                <span className={inactive ? "line-through" : "font-medium"}>
                  Signed off by {s.by} ({s.role})
                </span>
                <LocalTime iso={s.createdAt} />
                {s.stale ? <span>· for commit {s.commitSha.slice(0, 7)} (stale)</span> : null}
                {s.revokedAt ? <span>· revoked: {s.revokeReason}</span> : null}
                {s.comment ? <q className="italic">{s.comment}</q> : null}
                <Evidence signOff={s} project={project} version={version} />
                {!s.revokedAt && !s.stale && (s.userId === viewerId || canSignOff) ? (
                  <button type="button" onClick={() => setRevoking({ id: s.id, by: s.by })} disabled={pending} className="text-xs text-red-700 underline">
                    Revoke
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      <div className="flex flex-wrap items-center gap-2 empty:hidden">
        {/* An open form stays while someone else's sign-off arrives live: what was typed is not lost. */}
        {canSignOff && (open || (state.status !== "not-applicable" && state.status !== "passed" && !alreadySigned)) ? (
          open ? (
            <form
              id={formId}
              aria-label={`Sign off ${itemTitle} for ${environment}`}
              className="w-full space-y-2 rounded border border-slate-200 bg-slate-50 p-3"
              onSubmit={(event) => {
                event.preventDefault();
                submit();
              }}
            >
              <label className="block text-xs font-medium text-slate-700">
                Comment (optional)
                <textarea
                  value={comment}
                  onChange={(event) => setComment(event.target.value)}
                  rows={2}
                  maxLength={5000}
                  className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm"
                />
              </label>
              {evidencePolicy !== "none" ? (
                <fieldset className="space-y-2">
                  <legend className="text-xs font-medium text-slate-700">
                    Evidence {evidencePolicy === "required" ? <span className="text-red-700">(required: a link or a file)</span> : "(optional)"}
                  </legend>
                  <label className="block text-xs text-slate-700">
                    Evidence link
                    <input
                      type="url"
                      inputMode="url"
                      placeholder="https://…"
                      value={evidenceUrl}
                      onChange={(event) => setEvidenceUrl(event.target.value)}
                      maxLength={2000}
                      className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm"
                    />
                  </label>
                  <label className="block text-xs text-slate-700">
                    Evidence file (PNG, JPEG, PDF, HAR or JSON, up to 10 MB)
                    <input
                      ref={fileInput}
                      type="file"
                      accept={ACCEPT}
                      onChange={(event) => setFile(event.target.files?.[0] ?? null)}
                      className="mt-1 block w-full text-sm file:mr-3 file:rounded file:border file:border-slate-300 file:bg-white file:px-2 file:py-1"
                    />
                  </label>
                  {file ? (
                    <p className="text-xs text-slate-600">
                      Attaching {file.name} ({formatBytes(file.size)})
                    </p>
                  ) : null}
                </fieldset>
              ) : null}
              {itemVersion !== seenVersion ? (
                <p role="status" className="text-xs text-amber-800">
                  This item changed since you opened the form (see the sign-offs above). Confirming checks it again.
                </p>
              ) : null}
              <div className="flex gap-2">
                <button type="submit" disabled={pending} className="rounded bg-emerald-700 px-3 py-1 font-medium text-white hover:bg-emerald-600 disabled:opacity-60">
                  {pending ? "Signing…" : `Confirm sign-off for ${environment}`}
                </button>
                <button type="button" onClick={reset} className="rounded border border-slate-300 px-3 py-1">
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <button
              type="button"
              onClick={() => {
                setSeenVersion(itemVersion);
                setError(null);
                setOpen(true);
              }}
              disabled={stepsLeft > 0}
              title={stepsLeft > 0 ? `Tick the ${stepsLeft} remaining step${stepsLeft > 1 ? "s" : ""} first` : undefined}
              aria-label={`Sign off ${itemTitle}`}
              className="rounded border border-emerald-700 px-3 py-1 font-medium text-emerald-800 hover:bg-emerald-50 disabled:cursor-not-allowed disabled:border-slate-300 disabled:text-slate-400"
            >
              Sign off
            </button>
          )
        ) : null}
        {canReject && !open ? (
          <button
            type="button"
            onClick={() => {
              setError(null);
              setRejecting(true);
            }}
            disabled={pending}
            aria-label={`Reject ${itemTitle}`}
            className="rounded border border-red-700 px-3 py-1 font-medium text-red-800 hover:bg-red-50 disabled:opacity-60"
          >
            Reject
          </button>
        ) : null}
      </div>
      <FormError message={error} />
      <ReasonDialog
        open={rejecting}
        title={`Reject “${itemTitle}” for ${environment}?`}
        label="What is wrong? (shown on the item and in the gate, kept in the audit trail)"
        confirm="Reject item"
        pending={pending}
        maxLength={REJECTION_REASON_MAX}
        onCancel={() => setRejecting(false)}
        onConfirm={reject}
      />
      <ReasonDialog
        open={revoking !== null}
        title={revoking ? `Revoke the sign-off by ${revoking.by}?` : "Revoke the sign-off?"}
        label="Why is it revoked? (kept in the audit trail)"
        confirm="Revoke sign-off"
        pending={pending}
        onCancel={() => setRevoking(null)}
        onConfirm={(reason) => revoking && revoke(revoking.id, reason)}
      />
    </div>
  );
}
