import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { ProjectNav } from "@/components/project/project-nav";
import { roleIn } from "@/lib/auth/permissions";
import { requireUserForPage } from "@/lib/auth/session";
import { orNotFound, pageData } from "@/lib/http/page";
import { roleAtLeast } from "@/lib/gate/roles";
import { listTemplates } from "@/lib/server/get-templates";
import { findProject } from "@/lib/server/lookup";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Templates" };

export default async function TemplatesPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const principal = await requireUserForPage(`/projects/${slug}/templates`);
  const templates = await orNotFound(listTemplates({ principal }, slug));
  const project = await pageData(findProject(slug));
  const role = roleIn(principal, project.id);
  const canEdit = role !== null && roleAtLeast(role, "admin");
  return (
    <div className="space-y-6">
      <ProjectNav slug={slug} name={project.name} current="templates" showSettings={canEdit} />
      {canEdit ? (
        <Link href={`/projects/${slug}/templates/import`} className="inline-block rounded bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700">
          Import a Markdown checklist
        </Link>
      ) : null}
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm">
        {templates.length === 0 ? <li className="px-4 py-6 text-sm text-slate-600">No templates yet.</li> : null}
        {templates.map((t) => (
          <li key={t.name} className="flex items-center justify-between px-4 py-3">
            <Link href={`/projects/${slug}/templates/${encodeURIComponent(t.name)}`} className="font-medium text-sky-700 hover:underline">
              {t.name}
            </Link>
            <span className="text-sm text-slate-500">
              version {t.latestVersion}
              {t.updatedAt ? (
                <>
                  {" · "}
                  <LocalTime iso={t.updatedAt} />
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
