import type { Metadata } from "next";
import { ReleaseView } from "@/components/release/release-view";
import { requireUserForPage } from "@/lib/auth/session";
import { orNotFound } from "@/lib/http/page";
import { getReleaseState } from "@/lib/server/get-release-state";

export const dynamic = "force-dynamic";

type Params = { project: string; version: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { project, version } = await params;
  return { title: `${decodeURIComponent(version)} · ${project}` };
}

export default async function ReleasePage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<{ env?: string }> }) {
  const { project, version: rawVersion } = await params;
  const version = decodeURIComponent(rawVersion);
  const principal = await requireUserForPage(`/projects/${project}/releases/${encodeURIComponent(version)}`);
  const state = await orNotFound(getReleaseState({ principal }, project, version));
  const { env } = await searchParams;
  const environment = env && state.environments.includes(env) ? env : state.environments[0]!;
  return <ReleaseView initialState={state} initialEnvironment={environment} />;
}
