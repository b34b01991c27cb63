import type { Metadata } from "next";
import Link from "next/link";
import type { ReleaseStatus } from "@/generated/prisma/enums";
import { DeployLockControls } from "@/components/project/deploy-lock";
import { NewReleaseForm } from "@/components/project/new-release-form";
import { ProjectNav } from "@/components/project/project-nav";
import { EnvironmentStandingChip } from "@/components/release/environment-standing";
import { RollbackChip } from "@/components/release/gate-chip";
import { LockBanner } from "@/components/release/lock-banner";
import { LocalTime } from "@/components/local-time";
import { requireUserForPage } from "@/lib/auth/session";
import { orNotFound, pageData } from "@/lib/http/page";
import { roleAtLeast } from "@/lib/gate/roles";
import { listTemplates } from "@/lib/server/get-templates";
import { listReleases, RELEASE_STATUSES } from "@/lib/server/list-releases";
import { getProjectLock } from "@/lib/server/project-lock";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ project: string }> }): Promise<Metadata> {
  return { title: (await params).project };
}

const STATUS_LABEL: Record<string, string> = { in_progress: "In progress", ready: "Ready", deployed: "Deployed", rolled_back: "Rolled back", abandoned: "Abandoned" };

/** The list's filters, all in the address: `?status=ready&deployedTo=staging&notDeployedTo=production`. */
type ListQuery = { status?: ReleaseStatus; deployedTo?: string; notDeployedTo?: string };

function queryString(query: ListQuery): string {
  const entries = Object.entries(query).filter(([, value]) => value !== undefined) as [string, string][];
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : "?";
}

/** "deployed to staging, not yet deployed to production, status Ready" */
function describe(query: ListQuery): string {
  return [
    query.deployedTo ? `deployed to ${query.deployedTo}` : null,
    query.notDeployedTo ? `not yet deployed to ${query.notDeployedTo}` : null,
    query.status ? `status ${STATUS_LABEL[query.status]}` : null,
  ]
    .filter(Boolean)
    .join(", ");
}

const one = (value: string | string[] | undefined) => (typeof value === "string" && value !== "" ? value : undefined);

export default async function ProjectPage({ params, searchParams }: { params: Promise<{ project: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { project: slug } = await params;
  const principal = await requireUserForPage(`/projects/${slug}`);
  const raw = await searchParams;
  const query: ListQuery = {
    status: RELEASE_STATUSES.find((s) => s === raw.status) as ReleaseStatus | undefined,
    deployedTo: one(raw.deployedTo),
    notDeployedTo: one(raw.notDeployedTo),
  };
  const { status } = query;
  const data = await orNotFound(listReleases({ principal }, slug, query));
  const canCreate = data.role !== null && roleAtLeast(data.role, "release-manager");
  const templates = canCreate ? await pageData(listTemplates({ principal }, slug)) : [];
  const { lock } = await pageData(getProjectLock({ principal }, slug));
  const filter = (value: string | undefined, label: string) => (
    <Link
      key={label}
      href={queryString({ ...query, status: value as ReleaseStatus | undefined })}
      aria-current={status === value ? "page" : undefined}
      className={`rounded-full px-3 py-1 text-xs font-medium ring-1 ${status === value ? "bg-slate-900 text-white ring-slate-900" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-100"}`}
    >
      {label}
    </Link>
  );
  // Choosing "deployed to X" drops "not yet deployed to X" (and the other way round); choosing it again drops it.
  const deployFilter = (environment: string, deployed: boolean) => {
    const key = deployed ? "deployedTo" : "notDeployedTo";
    const other = deployed ? "notDeployedTo" : "deployedTo";
    const current = query[key] === environment;
    const next: ListQuery = { ...query, [key]: current ? undefined : environment, [other]: query[other] === environment ? undefined : query[other] };
    return (
      <Link
        key={`${key}-${environment}`}
        href={queryString(next)}
        aria-current={current ? "page" : undefined}
        className={`rounded-full px-3 py-1 text-xs font-medium ring-1 ${current ? "bg-slate-900 text-white ring-slate-900" : "bg-white text-slate-700 ring-slate-300 hover:bg-slate-100"}`}
      >
        {deployed ? `Deployed to ${environment}` : `Not yet deployed to ${environment}`}
      </Link>
    );
  };
  const described = describe(query);

  return (
    <div className="space-y-6">
      <ProjectNav slug={data.project.slug} name={data.project.name} current="releases" showSettings={data.role === "admin"} />
      <LockBanner lock={lock}>{canCreate ? <DeployLockControls project={slug} locked /> : null}</LockBanner>
      <nav aria-label="Filter by status" className="flex flex-wrap gap-2">
        {filter(undefined, "All")}
        {RELEASE_STATUSES.map((s) => filter(s, STATUS_LABEL[s]!))}
      </nav>
      <nav aria-label="Filter by environment" className="flex flex-wrap gap-2">
        {data.project.environments.flatMap((env) => [deployFilter(env, true), deployFilter(env, false)])}
      </nav>
      {/* Scrolls inside its own box on a phone rather than widening the page. */}
      <section aria-label="Releases" className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        {data.releases.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-600">No releases{described ? ` ${described}` : ""}.</p>
        ) : (
          <>
            {/* On a phone, one card per release: its standing per environment matters most and stays in view. */}
            <ul aria-label="Releases, newest first" className="divide-y divide-slate-100 sm:hidden">
              {data.releases.map((r) => (
                <li key={r.version} className="space-y-1.5 px-4 py-3 text-sm">
                  <p className="flex flex-wrap items-baseline gap-x-2">
                    <Link href={`/projects/${slug}/releases/${encodeURIComponent(r.version)}`} className="font-medium text-sky-700 [overflow-wrap:anywhere] hover:underline">
                      {r.version}
                    </Link>
                    <span className="font-mono text-xs text-slate-600">{r.commitSha.slice(0, 7)}</span>
                    <span>{STATUS_LABEL[r.status] ?? r.status}</span>
                  </p>
                  <p className="flex flex-wrap gap-1">
                    {r.environments.map((standing) => (
                      <EnvironmentStandingChip key={standing.environment} standing={standing} />
                    ))}
                    <RollbackChip environments={r.rollbackRecommended} />
                  </p>
                  <p className="text-xs text-slate-500">
                    {r.template} v{r.templateVersion} · <LocalTime iso={r.createdAt} />
                  </p>
                </li>
              ))}
            </ul>
            <table className="hidden w-full text-sm sm:table">
              <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-4 py-2">Release</th>
                  <th className="px-4 py-2">Commit</th>
                  <th className="px-4 py-2">Checklist</th>
                  <th className="px-4 py-2">Status</th>
                  <th className="px-4 py-2">Environments</th>
                  <th className="px-4 py-2">Created</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.releases.map((r) => (
                  <tr key={r.version}>
                    <td className="px-4 py-2">
                      <Link href={`/projects/${slug}/releases/${encodeURIComponent(r.version)}`} className="font-medium text-sky-700 hover:underline">
                        {r.version}
                      </Link>
                    </td>
                    <td className="px-4 py-2 font-mono text-xs text-slate-600">{r.commitSha.slice(0, 7)}</td>
                    <td className="px-4 py-2 text-slate-600">
                      {r.template} v{r.templateVersion}
                    </td>
                    <td className="px-4 py-2">{STATUS_LABEL[r.status] ?? r.status}</td>
                    <td className="px-4 py-2">
                      <span className="flex flex-wrap gap-1">
                        {r.environments.map((standing) => (
                          <EnvironmentStandingChip key={standing.environment} standing={standing} />
                        ))}
                        <RollbackChip environments={r.rollbackRecommended} />
                      </span>
                    </td>
                    <td className="px-4 py-2 text-xs text-slate-500"><LocalTime iso={r.createdAt} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      {canCreate && !lock ? (
        <section aria-labelledby="deploy-lock" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="deploy-lock" className="mb-1 font-semibold">
            Deploy lock
          </h2>
          <p className="mb-3 text-sm text-slate-600">Closes every gate of every release of this project until unlocked (an incident, a freeze). Overrides don&apos;t open a locked gate.</p>
          <DeployLockControls project={slug} locked={false} />
        </section>
      ) : null}
      {canCreate ? (
        <section aria-labelledby="new-release" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 id="new-release" className="mb-3 font-semibold">
            New release
          </h2>
          <NewReleaseForm project={slug} templates={templates} />
        </section>
      ) : null}
    </div>
  );
}
