"use client";
// The release page: gate verdict per environment, then every section and item for the chosen environment.
import Link from "next/link";
import { useState, useSyncExternalStore } from "react";
import { roleAtLeast } from "@/lib/gate/roles";
import type { ReleaseItemView, ReleaseState } from "@/lib/server/get-release-state";
import { plainRendering } from "@/lib/templates/rendered-markdown";
import { AuditTimeline } from "./audit-timeline";
import { CheckDetails } from "./check-details";
import { useCompactSections } from "./compact-sections";
import { formatTime } from "../format-time";
import { GateBanner, type ItemLinks } from "./gate-banner";
import { ItemAssignee } from "./item-assignee";
import { Instructions } from "./instructions";
import { LiveStatus } from "./live-status";
import { LockBanner } from "./lock-banner";
import { namesOf } from "./names";
import { ReadingDetails } from "./reading-details";
import { useReleaseState } from "./release-query";
import { RollbackPanel } from "./rollback-panel";
import { SignOffPanel } from "./sign-off-panel";
import { StepList } from "./step-list";
import { StatusPill } from "./status-pill";

const PHASE_LABEL: Record<string, string> = {
  "pre-deploy": "Pre-deploy · counts for the gate",
  deploy: "Deploy",
  "post-deploy": "Post-deploy",
  monitoring: "Monitoring",
  rollback: "Rollback criteria · watched after deploy",
};

type Props = { initialState: ReleaseState; initialEnvironment: string; fallbackPollMs: number };

type ItemFilter = { blocking: boolean; mine: boolean; kind: string };

/** Blocking: gates this environment and is not passed. Mine: a manual item my role can sign, not yet signed by me. */
function filterSections(state: ReleaseState, environment: string, filter: ItemFilter, keep: string | null) {
  const { role, userId } = state.viewer;
  const wanted = (item: ReleaseItemView) => {
    if (item.key === keep) return true;
    const here = item.environments[environment]!;
    if (filter.kind && item.kind !== filter.kind) return false;
    if (filter.blocking && !(here.gating && here.status !== "passed")) return false;
    if (filter.mine) {
      const signed = here.signOffs.some((s) => s.userId === userId && !s.revokedAt && !s.stale);
      const canNow = item.signOffRole !== null && role !== null && roleAtLeast(role, item.signOffRole) && here.awaitingDeployTo === null;
      if (!(canNow && here.status !== "passed" && !signed)) return false;
    }
    return true;
  };
  const total = state.sections.reduce((n, s) => n + s.items.length, 0);
  const sections = state.sections.map((s) => ({ ...s, items: s.items.filter(wanted) })).filter((s) => s.items.length > 0);
  return { sections, total, hidden: total - sections.reduce((n, s) => n + s.items.length, 0) };
}

function onHashChange(notify: () => void) {
  window.addEventListener("hashchange", notify);
  return () => window.removeEventListener("hashchange", notify);
}

const itemInHash = () => /^#item-(.+)$/.exec(window.location.hash)?.[1] ?? null;

export function ReleaseView({ initialState, initialEnvironment, fallbackPollMs }: Props) {
  const { data: state, error, dataUpdatedAt, live } = useReleaseState(initialState, { fallbackPollMs });
  const [environment, setEnvironment] = useState(initialEnvironment);
  // The item a banner's link jumped to, or the address names (#item-<key>, say from the queue).
  const [chosen, setHighlighted] = useState<string | null>(null);
  const named = useSyncExternalStore(onHashChange, itemInHash, () => null);
  const highlighted = chosen ?? named;
  // Filters over the chosen environment's items; a jumped-to item is always shown.
  const [filter, setFilter] = useState({ blocking: false, mine: false, kind: "" });
  const shown = filterSections(state, environment, filter, highlighted);
  const compact = useCompactSections();
  // An id without spaces: aria-labelledby reads a space as a second id.
  const sectionId = (title: string) => `section-${state.sections.findIndex((s) => s.title === title)}`;
  const { project, release } = state;
  const { role } = state.viewer;
  const canDeploy = role !== null && roleAtLeast(role, "release-manager");
  const canOverride = role === "admin";

  function choose(env: string) {
    setEnvironment(env);
    window.history.replaceState(null, "", `?env=${encodeURIComponent(env)}`);
  }

  // A blocker in a banner jumps to its item, showing it for that banner's environment.
  const allItems = state.sections.flatMap((s) => s.items);
  const links: ItemLinks = {
    keys: new Set(allItems.map((i) => i.key)),
    signers: new Map(allItems.filter((i) => i.signOffRole !== null).map((i) => [i.key, i.signers.map((s) => s.name)])),
    onShow: (env, key) => {
      setEnvironment(env);
      setHighlighted(key);
      // The address says where: a link to it opens the same tab at the same item.
      window.history.replaceState(null, "", `?env=${encodeURIComponent(env)}#item-${key}`);
      requestAnimationFrame(() => document.getElementById(`item-${key}`)?.scrollIntoView({ block: "start" }));
    },
  };

  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <p className="text-sm text-slate-500">
            <Link href={`/projects/${project.slug}`} className="hover:underline">
              {project.name}
            </Link>
          </p>
          <h1 className="text-2xl font-semibold">
            Release {release.version}
          </h1>
          <p className="text-sm text-slate-600">
            commit <span className="font-mono">{release.commitSha.slice(0, 12)}</span> · checklist {release.template} v{release.templateVersion} · {release.status.replace("_", " ")}
          </p>
        </div>
        <LiveStatus state={live} error={error} fallbackPollMs={fallbackPollMs} />
      </header>

      <LockBanner lock={state.lock}>
        {canDeploy ? (
          <p className="mt-2 text-sm">
            <Link href={`/projects/${project.slug}`} className="font-medium underline">
              Unlock deploys on the project page
            </Link>
          </p>
        ) : null}
      </LockBanner>

      <RollbackPanel state={state} canDecide={canDeploy} />

      <div className="grid gap-3 md:grid-cols-2">
        {state.environments.map((env) => {
          const active = state.overrides.find((o) => o.environment === env && o.liftedAt === null);
          const deployedAt = state.rollback[env]?.deployedAt ?? null;
          return (
            <GateBanner
              key={env}
              gate={state.gates[env]!}
              links={links}
              actions={{
                project: project.slug,
                version: release.version,
                canDeploy,
                canOverride,
                overrideId: active?.id ?? null,
                lastDeployedAt: deployedAt ? formatTime(deployedAt) : null,
              }}
            />
          );
        })}
      </div>

      {/* The WAI-ARIA tabs pattern: one tab in the Tab order, arrows (and Home/End) move between them. */}
      <div
        role="tablist"
        aria-label="Environment"
        className="flex gap-1 border-b border-slate-200"
        onKeyDown={(event) => {
          const at = state.environments.indexOf(environment);
          const last = state.environments.length - 1;
          const to = { ArrowRight: at === last ? 0 : at + 1, ArrowLeft: at === 0 ? last : at - 1, Home: 0, End: last }[event.key];
          if (to === undefined) return;
          event.preventDefault();
          const env = state.environments[to]!;
          choose(env);
          document.getElementById(`tab-${env}`)?.focus();
        }}
      >
        {state.environments.map((env) => (
          <button
            key={env}
            id={`tab-${env}`}
            role="tab"
            type="button"
            aria-selected={env === environment}
            aria-controls="environment-panel"
            tabIndex={env === environment ? 0 : -1}
            onClick={() => choose(env)}
            className={`-mb-px rounded-t border px-4 py-2 text-sm font-medium ${env === environment ? "border-slate-200 border-b-white bg-white text-slate-900" : "border-transparent text-slate-500 hover:text-slate-800"}`}
          >
            {env}
          </button>
        ))}
      </div>

      <div id="environment-panel" role="tabpanel" aria-label={`${environment} checklist`} className="space-y-6">
        <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm text-slate-700">
          <legend className="sr-only">Show</legend>
          <label className="flex items-center gap-1.5">
            <input type="checkbox" checked={filter.blocking} onChange={(e) => setFilter({ ...filter, blocking: e.target.checked })} />
            Blocking {environment} only
          </label>
          {state.viewer.role !== null ? (
            <label className="flex items-center gap-1.5">
              <input type="checkbox" checked={filter.mine} onChange={(e) => setFilter({ ...filter, mine: e.target.checked })} />
              Mine to sign
            </label>
          ) : null}
          <label className="flex items-center gap-1.5">
            Kind
            <select value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value })} className="rounded border border-slate-300 bg-white px-1.5 py-0.5">
              <option value="">all</option>
              <option value="check">checks</option>
              <option value="metric">metrics</option>
              <option value="manual">manual</option>
              <option value="watch">watches</option>
            </select>
          </label>
          {shown.hidden > 0 ? (
            <span role="status" className="text-slate-600">
              {shown.hidden} of {shown.total} items hidden by the filter
            </span>
          ) : null}
        </fieldset>
        {shown.sections.length === 0 ? <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700">No item matches the filter.</p> : null}
        {shown.sections.map((section) => (
          <section key={section.title} aria-labelledby={sectionId(section.title)} className="rounded-lg border border-slate-200 bg-white shadow-sm">
            <header className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-100 px-4 py-3">
              <div className="min-w-0">
                <h2 id={sectionId(section.title)} className="font-semibold [overflow-wrap:anywhere]">
                  {section.title}
                </h2>
                <p className="text-xs uppercase tracking-wide text-slate-500">{PHASE_LABEL[section.phase] ?? section.phase}</p>
              </div>
              <button
                type="button"
                aria-pressed={compact.isCompact(section.title)}
                aria-label={`Compact view of ${section.title}`}
                onClick={() => compact.toggle(section.title)}
                className="rounded border border-slate-300 px-2 py-0.5 text-xs text-slate-700 hover:bg-slate-100 aria-pressed:bg-slate-900 aria-pressed:text-white"
              >
                Compact
              </button>
            </header>
            <ul className="divide-y divide-slate-100">
              {section.items.map((item) =>
                // A jumped-to item is shown in full even in a compact section.
                compact.isCompact(section.title) && highlighted !== item.key ? (
                  <CompactItemRow key={item.key} item={item} environment={environment} />
                ) : (
                  <ItemRow key={item.key} item={item} environment={environment} state={state} highlighted={highlighted === item.key} />
                ),
              )}
            </ul>
          </section>
        ))}
      </div>

      {state.unmatchedCount > 0 ? (
        <section aria-label="Unmatched results" className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
          <h2 className="font-semibold">Unmatched results ({state.unmatchedCount})</h2>
          <p className="text-slate-600">Reported for this commit but covered by no item: if one should count, a pattern in the checklist may be wrong.</p>
          <AbsoluteKeysWarning keys={state.unmatched.map((r) => r.key)} />
          <ul className="mt-2 max-h-48 overflow-auto font-mono text-xs text-slate-700">
            {state.unmatched.map((r) => (
              <li key={`${r.environment ?? ""}:${r.key}`}>
                {r.status.padEnd(7, " ")} {r.key}
                {r.environment ? ` (${r.environment})` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {state.rollbackInstructions ? (
        <section aria-label="Rollback instructions" className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
          <h2 className="font-semibold">Rollback instructions</h2>
          <p className="mt-1 whitespace-pre-wrap text-slate-700">{state.rollbackInstructions}</p>
        </section>
      ) : null}

      <AuditTimeline project={project.slug} version={release.version} refreshedAt={dataUpdatedAt} />
    </div>
  );
}

function ItemRow({ item, environment, state, highlighted }: { item: ReleaseItemView; environment: string; state: ReleaseState; highlighted: boolean }) {
  const itemState = item.environments[environment]!;
  const titleId = `item-${item.key}-title`;
  const { role, userId } = state.viewer;
  const canSignOff = role !== null && item.signOffRole !== null && roleAtLeast(role, item.signOffRole);
  const signedOn = item.verifyOn ?? environment;
  // Nothing to verify on an environment the release has not reached yet.
  const canAct = canSignOff && itemState.awaitingDeployTo === null;
  const gatesNext = item.verifyOn ? state.environments.slice(state.environments.indexOf(item.verifyOn) + 1).join(", ") : "";
  return (
    <li>
      {/* The target of a banner's link (or of a link to #item-<key>): highlighted, clear of the top edge. */}
      <article
        id={`item-${item.key}`}
        aria-labelledby={titleId}
        data-highlighted={highlighted ? "true" : undefined}
        className="flex scroll-mt-4 gap-4 px-4 py-3 transition-colors target:bg-amber-50 target:ring-2 target:ring-inset target:ring-amber-400 data-[highlighted=true]:bg-amber-50 data-[highlighted=true]:ring-2 data-[highlighted=true]:ring-inset data-[highlighted=true]:ring-amber-400"
      >
        <div className="pt-0.5">
          <StatusPill status={itemState.status} kind={item.kind} />
        </div>
        <div className="min-w-0 flex-1">
          <h3 id={titleId} className="font-medium">
            {item.title}
            {!item.required ? <span className="ml-2 text-xs font-normal text-slate-500">(advisory)</span> : null}
          </h3>
          {/* Patterns are long unbroken paths: they wrap anywhere rather than widen the page. */}
          <p className="text-xs text-slate-500 [overflow-wrap:anywhere]">
            <span className="uppercase">{item.kind}</span> · {item.requirement}
          </p>
          {item.verifyOn ? (
            <p className="mt-0.5 text-xs font-medium text-indigo-800">
              Done on {item.verifyOn} after its deploy; it gates {gatesNext}
            </p>
          ) : null}
          <p className="mt-1 text-sm text-slate-800 [overflow-wrap:anywhere]">{itemState.summary}</p>
          {item.signOffRole !== null && itemState.status !== "passed" && itemState.status !== "not-applicable" && role !== null && !canSignOff ? (
            <p className="mt-0.5 text-xs font-medium text-slate-700">
              You cannot sign this one: it needs {item.signOffRole} or above, and you are {role}.
            </p>
          ) : null}
          {item.signOffRole !== null && itemState.status !== "passed" && itemState.status !== "not-applicable" ? (
            <p className="mt-0.5 text-xs text-slate-600">
              {item.signers.length > 0
                ? `Can sign (${item.signOffRole} or above): ${namesOf(item.signers.map((s) => s.name))}`
                : `Nobody in this project has the ${item.signOffRole} role: a project admin can add someone in Settings`}
            </p>
          ) : null}
          {item.kind === "manual" ? <ItemAssignee project={state.project.slug} version={state.release.version} item={item} canAssign={state.viewer.canAssign} viewerId={userId} /> : null}
          {item.instructions ? (
            <details className="mt-1">
              <summary className="cursor-pointer text-xs text-slate-600">Instructions</summary>
              <Instructions rendered={item.renderedInstructions ?? plainRendering(item.instructions)} />
            </details>
          ) : null}
          {item.query ? <ReadingDetails query={item.query} reading={itemState.reading} /> : null}
          {item.kind === "check" ? <CheckDetails state={itemState} project={state.project.slug} version={state.release.version} item={item.key} environment={environment} /> : null}
          {item.kind === "manual" ? (
            <StepList
              project={state.project.slug}
              version={state.release.version}
              itemKey={item.key}
              environment={signedOn}
              steps={itemState.steps}
              editable={canAct && itemState.status !== "passed" && !itemState.signOffs.some((s) => !s.revokedAt && !s.stale)}
            />
          ) : null}
          {item.kind === "manual" ? (
            <SignOffPanel
              project={state.project.slug}
              version={state.release.version}
              itemKey={item.key}
              itemTitle={item.title}
              itemVersion={item.version}
              evidencePolicy={item.evidence ?? "optional"}
              environment={signedOn}
              state={itemState}
              canSignOff={canAct}
              viewerId={userId}
              releaseCommit={state.release.commitSha}
            />
          ) : null}
        </div>
      </article>
    </li>
  );
}

/** One line: status, title, key. The article keeps the item's id, so a banner's link still finds it. */
function CompactItemRow({ item, environment }: { item: ReleaseItemView; environment: string }) {
  const titleId = `item-${item.key}-title`;
  return (
    <li>
      <article id={`item-${item.key}`} aria-labelledby={titleId} className="flex scroll-mt-4 items-center gap-3 px-4 py-1.5 text-sm">
        <StatusPill status={item.environments[environment]!.status} kind={item.kind} />
        <h3 id={titleId} className="min-w-0 flex-1 truncate font-medium" title={item.title}>
          {item.title}
        </h3>
        <span className="max-w-[35%] truncate font-mono text-xs text-slate-500" title={item.key}>{item.key}</span>
      </article>
    </li>
  );
}

/** Keys that still start with an absolute path match no repository-relative pattern: say how to fix it. */
function AbsoluteKeysWarning({ keys }: { keys: string[] }) {
  const absolute = keys.filter((key) => /^(?:\/|[A-Za-z]:[\\/])/.test(key));
  if (absolute.length === 0) return null;
  return (
    <p role="status" className="mt-2 rounded border border-amber-300 bg-amber-50 p-2 text-amber-900">
      Warning: {absolute.length} result{absolute.length === 1 ? " is" : "s are"} keyed by an absolute path (such as <code>{absolute[0]!.split("::")[0]}</code>). Report them with{" "}
      <code>baseDir</code> set to the checkout directory (<code>shipcheck report</code> sends it by itself) so their keys are relative to the repository.
    </p>
  );
}
