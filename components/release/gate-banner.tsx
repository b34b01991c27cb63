import type { GateDecision } from "@/lib/gate";
import { DeployButton, LiftOverrideButton, OverrideForm } from "./gate-actions";
import { namesOf } from "./names";

const REASON_LABEL: Record<string, string> = {
  pending: "pending",
  failed: "failed",
  flaky: "flaky",
  metric: "below threshold",
  approvals: "needs sign-off",
  rejected: "rejected",
  stale: "stale",
  "previous-environment": "earlier gate closed",
  locked: "locked",
};

/** Long checklists block on many items: the first few are listed, the rest one click away. */
const SHOWN = 6;

function countsByReason(gate: GateDecision): string {
  const counts = new Map<string, number>();
  for (const b of gate.blocking) counts.set(REASON_LABEL[b.reason] ?? b.reason, (counts.get(REASON_LABEL[b.reason] ?? b.reason) ?? 0) + 1);
  return `${gate.blocking.length} blocking: ${[...counts].map(([reason, n]) => `${n} ${reason}`).join(", ")}`;
}

/** On the release page: blockers that are items link to them, and sign-off blockers say who can give one. */
export type ItemLinks = {
  /** People whose sign-off would count, per manual item key; other items are absent. */
  signers: Map<string, string[]>;
  /** Item keys shown on the page. */
  keys: Set<string>;
  /** Shows the item for the banner's environment and jumps to it. */
  onShow(environment: string, itemKey: string): void;
};

function BlockerList({ blockers, environment, links }: { blockers: GateDecision["blocking"]; environment: string; links?: ItemLinks }) {
  return (
    <ul className="mt-2 space-y-1 text-sm">
      {blockers.map((blocker) => (
        <li key={blocker.item} className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5 sm:flex-nowrap">
          {/* Reason first, in a fixed-width column, so a long title never pushes it around. */}
          <span className="shrink-0 whitespace-nowrap rounded bg-white/70 px-1.5 text-center text-xs font-semibold uppercase text-slate-700 ring-1 ring-slate-300 sm:w-40">
            {REASON_LABEL[blocker.reason] ?? blocker.reason}
          </span>
          <span className="min-w-0">
            {links?.keys.has(blocker.item) ? (
              <a
                href={`#item-${blocker.item}`}
                onClick={(event) => {
                  event.preventDefault();
                  links.onShow(environment, blocker.item);
                }}
                className="font-medium underline decoration-slate-400 underline-offset-2 hover:decoration-slate-900">
                {blocker.title}
              </a>
            ) : (
              <span className="font-medium">{blocker.title}</span>
            )}
            <span className="text-slate-700"> — {blocker.detail}</span>
            {blocker.reason === "approvals" && links?.signers.has(blocker.item) ? (
              <span className="block text-xs text-slate-700">
                {links.signers.get(blocker.item)!.length > 0 ? `Can sign: ${namesOf(links.signers.get(blocker.item)!)}` : "No member of this project has the role to sign it"}
              </span>
            ) : null}
            {blocker.failures?.length ? <FailingTests failures={blocker.failures} more={blocker.moreFailures ?? 0} /> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The first failing tests of a check, each with the first line of its message: what to open first. */
function FailingTests({ failures, more }: { failures: NonNullable<GateDecision["blocking"][number]["failures"]>; more: number }) {
  return (
    <ul className="mt-0.5 space-y-0.5 text-xs text-slate-800" aria-label="Failing tests">
      {failures.map((f) => (
        <li key={f.key}>
          <code className="break-all font-mono">{f.key}</code>
          {f.message ? <span className="text-slate-700">: {f.message}</span> : null}
        </li>
      ))}
      {more > 0 ? <li className="text-slate-700">and {more} more</li> : null}
    </ul>
  );
}

type Actions = {
  project: string;
  version: string;
  /** Release managers record deploys through open gates. */
  canDeploy: boolean;
  /** Administrators override closed gates and lift overrides. */
  canOverride: boolean;
  /** The active override's id, for "Lift override". */
  overrideId: string | null;
  lastDeployedAt: string | null;
};

/** Per-environment verdict, with every blocking reason spelled out, and what the reader may do about it. */
export function GateBanner({ gate, actions, links }: { gate: GateDecision; actions?: Actions; links?: ItemLinks }) {
  const locked = gate.blocking.some((b) => b.reason === "locked");
  const tone = gate.overridden
    ? "border-amber-500 bg-amber-50"
    : gate.open
      ? "border-emerald-400 bg-emerald-50"
      : "border-red-400 bg-red-50";
  const headline = gate.overridden
    ? `${gate.environment}: gate OVERRIDDEN`
    : gate.open
      ? `${gate.environment}: gate open`
      : locked
        ? `${gate.environment}: gate closed (project locked)`
        : `${gate.environment}: gate closed`;
  const target = actions ? { project: actions.project, version: actions.version, environment: gate.environment } : null;
  return (
    <section role="status" aria-label={`${gate.environment} gate`} className={`min-w-0 rounded-lg border-l-4 p-4 [overflow-wrap:anywhere] ${tone}`}>
      <h2 className={`text-base font-semibold ${gate.overridden ? "uppercase tracking-wide text-amber-900" : ""}`}>{headline}</h2>
      {gate.overridden && gate.override ? (
        <p className="mt-1 text-sm font-medium text-amber-950">
          by {gate.override.by}: <q>{gate.override.reason}</q>
        </p>
      ) : null}
      {!gate.overridden && gate.override ? (
        <p className="mt-1 text-sm text-slate-700">
          {locked
            ? `An override by ${gate.override.by} (${gate.override.reason}) does not count while the project is locked.`
            : `An override by ${gate.override.by} (${gate.override.reason}) is still active, but the checklist is met without it.`}
        </p>
      ) : null}
      {gate.open && !gate.overridden ? <p className="mt-1 text-sm text-emerald-900">Every required item is satisfied for this commit. Safe to deploy.</p> : null}
      {gate.blocking.length > 0 ? (
        <>
          <p className="mt-1 text-sm text-slate-700">
            {gate.overridden ? "Still blocking (overridden): " : ""}
            {countsByReason(gate)}
          </p>
          <BlockerList blockers={gate.blocking.slice(0, SHOWN)} environment={gate.environment} links={links} />
          {gate.blocking.length > SHOWN ? (
            <details className="mt-1 text-sm">
              <summary className="cursor-pointer text-slate-700 underline">Show {gate.blocking.length - SHOWN} more</summary>
              <BlockerList blockers={gate.blocking.slice(SHOWN)} environment={gate.environment} links={links} />
            </details>
          ) : null}
        </>
      ) : null}
      {actions && target ? (
        <>
          {gate.open && actions.canDeploy ? <DeployButton {...target} overridden={gate.overridden} lastDeployedAt={actions.lastDeployedAt} /> : null}
          {!gate.open && !locked && !gate.override && actions.canOverride ? <OverrideForm {...target} /> : null}
          {gate.override && actions.overrideId && actions.canOverride ? <LiftOverrideButton {...target} overrideId={actions.overrideId} /> : null}
        </>
      ) : null}
    </section>
  );
}
