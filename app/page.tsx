import Link from "next/link";
import { GateChip, RollbackChip } from "@/components/release/gate-chip";
import { requireUserForPage } from "@/lib/auth/session";
import { pageData } from "@/lib/http/page";
import { getOverview, OVERVIEW_PAGE_SIZE } from "@/lib/server/get-overview";

export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUserForPage("/");
  const { page: asked } = await searchParams;
  const overview = await pageData(getOverview(user, { page: typeof asked === "string" ? Number(asked) : 1 }));
  const { projects, page, pages, totalProjects } = overview;
  const first = (page - 1) * OVERVIEW_PAGE_SIZE + 1;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold">Releases in flight</h1>
        {totalProjects > 0 ? (
          <p className="text-sm text-slate-600">
            {pages > 1 ? `Projects ${first}–${first + projects.length - 1} of ${totalProjects}` : `${totalProjects} ${totalProjects === 1 ? "project" : "projects"}`}, most recently active first
          </p>
        ) : null}
      </div>
      {projects.length === 0 ? (
        <p className="text-slate-600">You are not a member of any project yet. Ask an administrator to add you.</p>
      ) : null}
      {projects.map((project) => (
        <section key={project.slug} aria-labelledby={`project-${project.slug}`} className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <header className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 border-b border-slate-100 px-4 py-3">
            <h2 id={`project-${project.slug}`} className="text-lg font-semibold">
              <Link href={`/projects/${project.slug}`} className="hover:underline">{project.name}</Link> <span className="font-mono text-sm font-normal text-slate-500">{project.slug}</span>
            </h2>
            <span className="text-sm text-slate-500">
              {project.environments.join(" → ")} · you are {project.role}
            </span>
          </header>
          {project.releases.length === 0 ? (
            <p className="px-4 py-3 text-sm text-slate-600">No releases yet.</p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {project.releases.map((release) => (
                <li key={release.version} className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
                  <span className="flex items-baseline gap-3">
                    <Link href={`/projects/${project.slug}/releases/${encodeURIComponent(release.version)}`} prefetch={false} className="font-medium text-sky-700 hover:underline">
                      {release.version}
                    </Link>
                    <span className="font-mono text-xs text-slate-500">{release.commitSha.slice(0, 7)}</span>
                  </span>
                  <span className="flex flex-wrap gap-2">
                    {release.gates.map((gate) => (
                      <GateChip key={gate.environment} gate={gate} />
                    ))}
                    <RollbackChip environments={release.rollbackRecommended} />
                  </span>
                </li>
              ))}
            </ul>
          )}
          {project.moreReleases > 0 ? (
            <p className="border-t border-slate-100 px-4 py-2 text-sm">
              <Link href={`/projects/${project.slug}`} className="text-sky-700 hover:underline">
                {project.moreReleases} more in flight
              </Link>
            </p>
          ) : null}
        </section>
      ))}
      {pages > 1 ? (
        <nav aria-label="Pages of projects" className="flex items-center justify-between text-sm">
          {page > 1 ? <Link href={page === 2 ? "/" : `/?page=${page - 1}`} className="text-sky-700 hover:underline">← Newer activity</Link> : <span />}
          <span className="text-slate-600">Page {page} of {pages}</span>
          {page < pages ? <Link href={`/?page=${page + 1}`} className="text-sky-700 hover:underline">Older activity →</Link> : <span />}
        </nav>
      ) : null}
    </div>
  );
}
