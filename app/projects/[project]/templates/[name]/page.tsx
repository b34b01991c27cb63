import type { Metadata } from "next";
import { ProjectNav } from "@/components/project/project-nav";
import { TemplateEditor } from "@/components/templates/template-editor";
import { VersionHistory } from "@/components/templates/version-history";
import { roleIn } from "@/lib/auth/permissions";
import { requireUserForPage } from "@/lib/auth/session";
import { orNotFound, pageData } from "@/lib/http/page";
import { roleAtLeast } from "@/lib/gate/roles";
import { getTemplate } from "@/lib/server/get-templates";
import { findProject } from "@/lib/server/lookup";

export const dynamic = "force-dynamic";

type Params = { project: string; name: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  return { title: `Template ${decodeURIComponent((await params).name)}` };
}

export default async function TemplatePage({ params }: { params: Promise<Params> }) {
  const { project: slug, name: rawName } = await params;
  const name = decodeURIComponent(rawName);
  const principal = await requireUserForPage(`/projects/${slug}/templates/${encodeURIComponent(name)}`);
  const template = await orNotFound(getTemplate({ principal }, slug, name));
  const project = await pageData(findProject(slug));
  const role = roleIn(principal, project.id);
  const canEdit = role !== null && roleAtLeast(role, "admin");
  const latest = template.versions[0]!;
  return (
    <div className="space-y-6">
      <ProjectNav slug={slug} name={project.name} current="templates" showSettings={canEdit} />
      <h2 className="text-xl font-semibold">
        Template {template.name} <span className="text-base font-normal text-slate-500">· latest version {latest.version}</span>
      </h2>
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <section aria-label="Edit template">
          {canEdit ? (
            <TemplateEditor project={slug} name={template.name} initialSource={latest.source} />
          ) : (
            <pre className="overflow-auto rounded bg-slate-950 p-3 font-mono text-xs text-slate-100">{latest.source}</pre>
          )}
        </section>
        <section aria-labelledby="history">
          <h3 id="history" className="mb-2 font-semibold">
            Version history
          </h3>
          <VersionHistory versions={template.versions} />
        </section>
      </div>
    </div>
  );
}
