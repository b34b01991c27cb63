import Link from "next/link";
import { GateChip, RollbackChip } from "@/components/release/gate-chip";
import { requireUserForPage } from "@/lib/auth/session";
import { pageData } from "@/lib/http/page";
import { getOverview } from "@/lib/server/get-overview";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const user = await requireUserForPage("/");
  const projects = await pageData(getOverview(user));
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Releases in flight</h1>
      {projects.length === 0 ? (
        <p className="text-slate-600">You are not a member of any project yet. Ask an administrator to add you.</p>
      ) : null}
      {projects.map((project) => (
        <section key={project.slug} aria-labelledby={`project-${project.slug}`} className="rounded-lg border border-slate-200 bg-white shadow-sm">
          <header className="flex items-baseline justify-between border-b border-slate-100 px-4 py-3">
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
                    <Link href={`/projects/${project.slug}/releases/${encodeURIComponent(release.version)}`} className="font-medium text-sky-700 hover:underline">
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
        </section>
      ))}
    </div>
  );
}
