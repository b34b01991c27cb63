// The evidence pack as people read and print it: the same content as the JSON download, in
// sections, with the audit chain's state up front.
import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { formatTime } from "@/components/format-time";
import { describeAuditEvent, reasonDetail, type EvidencePack } from "@/lib/audit/pack";
import { requireUserForPage } from "@/lib/auth/session";
import { orNotFound } from "@/lib/http/page";
import { exportEvidencePack } from "@/lib/server/export-evidence-pack";

export const dynamic = "force-dynamic";

type Params = { project: string; version: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { project, version } = await params;
  return { title: `Evidence · ${decodeURIComponent(version)} · ${project}` };
}

// The site header and page margins are for the screen; on paper the pack stands alone.
const PRINT_CSS = `@media print {
  body > header { display: none !important; }
  body { background: white !important; }
  main { max-width: none !important; padding: 0 !important; }
  @page { margin: 14mm; }
}`;

const enc = encodeURIComponent;
const when = (iso: string | null) => (iso ? formatTime(iso) : "—");
const MESSAGE_SHOWN = 400;

export default async function EvidencePage({ params }: { params: Promise<Params> }) {
  const { project, version: rawVersion } = await params;
  const version = decodeURIComponent(rawVersion);
  const releasePath = `/projects/${project}/releases/${enc(version)}`;
  const principal = await requireUserForPage(`${releasePath}/evidence`);
  const pack = await orNotFound(exportEvidencePack({ principal }, project, version));
  const titles = Object.fromEntries(pack.items.map((i) => [i.key, i.title]));
  const title = (key: string) => titles[key] ?? key;
  const context = {
    itemTitles: titles,
    signOffs: Object.fromEntries(pack.signOffs.map((s) => [s.id, { item: s.item, environment: s.environment, by: s.by }])),
  };
  // Events a checkpoint signed as its head, with the newest such checkpoint.
  const signedAt = new Map(pack.audit.checkpoints.map((c) => [c.headId, c.id]));
  const packUrl = `/api/v1/projects/${enc(pack.project.slug)}/releases/${enc(pack.release.version)}/evidence-pack`;

  return (
    <article className="space-y-6 text-sm print:space-y-4 print:text-xs">
      <style>{PRINT_CSS}</style>
      <header className="space-y-2">
        <p className="text-slate-500 print:hidden">
          <Link href={releasePath} className="hover:underline">
            ← Release {pack.release.version}
          </Link>
        </p>
        <div className="flex flex-wrap items-end justify-between gap-2">
          <h1 className="text-2xl font-semibold">
            Evidence pack: {pack.project.name} {pack.release.version}
          </h1>
          <a href={packUrl} download className="rounded border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-800 shadow-sm hover:bg-slate-50 print:hidden">
            Download JSON
          </a>
        </div>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-0.5 text-slate-700 [&>dd]:min-w-0 [&>dd]:break-words">
          <dt className="text-slate-500">Project</dt>
          <dd>
            {pack.project.name} ({pack.project.slug}) · environments {pack.project.environments.join(" → ")}
          </dd>
          <dt className="text-slate-500">Release</dt>
          <dd>
            {pack.release.version} · commit <span className="break-all font-mono">{pack.release.commit}</span> · {pack.release.status.replace("_", " ")}
          </dd>
          <dt className="text-slate-500">Created</dt>
          <dd>
            {when(pack.release.createdAt)}
            {pack.release.createdBy ? ` by ${pack.release.createdBy}` : ""}
          </dd>
          <dt className="text-slate-500">Checklist</dt>
          <dd>
            {pack.template.name} v{pack.template.version} · digest <span className="break-all font-mono">{pack.template.digest}</span>
          </dd>
          <dt className="text-slate-500">Generated</dt>
          <dd>
            {when(pack.generatedAt)} by {pack.generatedBy} (format {pack.format} v{pack.formatVersion})
          </dd>
          <dt className="text-slate-500">Signed</dt>
          <dd>
            {pack.signature.algorithm} key <span className="font-mono">{pack.signature.keyId}</span> · digest <span className="break-all font-mono">{pack.signature.digest}</span>
          </dd>
        </dl>
        <ChainStatus pack={pack} />
      </header>

      <Section title="Gates now">
        <ul className="space-y-2">
          {Object.values(pack.gates).map((gate) => (
            <li key={gate.environment}>
              <p className={`font-semibold ${gate.overridden ? "text-amber-800" : gate.open ? "text-emerald-800" : "text-red-800"}`}>
                {gate.environment}: {gate.overridden ? "gate OVERRIDDEN" : gate.open ? "gate open" : `gate closed (${gate.blocking.length} blocking)`}
              </p>
              {gate.overridden && isOverride(gate.override) ? (
                <p className="text-amber-900">
                  Overridden by {gate.override.by}: {gate.override.reason}
                </p>
              ) : null}
              {gate.blocking.length > 0 ? (
                <ul className="ml-4 list-disc text-slate-700">
                  {gate.blocking.map((b) => (
                    <li key={b.item}>
                      {b.title}: {b.detail}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      </Section>

      <Section title={`Sign-offs (${pack.signOffs.length})`}>
        {pack.signOffs.length === 0 ? (
          <Empty>No sign-offs.</Empty>
        ) : (
          <Table head={["Item", "Environment", "Signed by", "Commit", "When", "Comment and evidence", "State"]}>
            {pack.signOffs.map((s) => (
              <tr key={s.id} className={s.revokedAt || s.stale ? "text-slate-500" : ""}>
                <Td>{title(s.item)}</Td>
                <Td>{s.environment}</Td>
                <Td>
                  {s.by} ({s.role})
                </Td>
                <Td mono nowrap>
                  {s.commit.slice(0, 12)}
                </Td>
                <Td>{when(s.createdAt)}</Td>
                <Td>
                  {s.comment ? <p className="whitespace-pre-wrap [overflow-wrap:anywhere]">{s.comment}</p> : null}
                  {s.evidenceUrl ? <p className="break-all">Link: {s.evidenceUrl}</p> : null}
                  {s.evidence ? (
                    <p className="break-all">
                      File: {s.evidence.filename} ({s.evidence.contentType}, {s.evidence.size} bytes) sha256 <span className="font-mono">{s.evidence.sha256}</span>
                    </p>
                  ) : null}
                  {!s.comment && !s.evidenceUrl && !s.evidence ? "—" : null}
                </Td>
                <Td>{s.revokedAt ? `revoked ${when(s.revokedAt)}${s.revokedBy ? ` by ${s.revokedBy}` : ""}: ${s.revokeReason ?? ""}` : s.stale ? "stale (earlier commit)" : "counts"}</Td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <Section title={`Ticked steps (${pack.stepTicks.length})`}>
        {pack.stepTicks.length === 0 ? (
          <Empty>No steps ticked.</Empty>
        ) : (
          <Table head={["Item", "Step", "Environment", "By", "Commit", "When"]}>
            {pack.stepTicks.map((t) => (
              <tr key={`${t.item}:${t.environment}:${t.commit}:${t.step}`}>
                <Td>{title(t.item)}</Td>
                <Td>
                  {t.step + 1}. {t.text ?? ""}
                </Td>
                <Td>{t.environment}</Td>
                <Td>{t.by}</Td>
                <Td mono nowrap>
                  {t.commit.slice(0, 12)}
                </Td>
                <Td>{when(t.tickedAt)}</Td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <Section title={`Checklist (${pack.items.length} items, as pinned at release creation)`}>
        <Table head={["Section", "Item", "Kind", "Environments", "Required"]}>
          {pack.items.map((i) => (
            <tr key={i.key}>
              <Td>
                {i.section} <span className="text-slate-500">({i.phase})</span>
              </Td>
              <Td>
                {i.title} <span className="font-mono text-slate-500">{i.key}</span>
              </Td>
              <Td>{i.kind}</Td>
              <Td>{i.environments.length ? i.environments.join(", ") : "all"}</Td>
              <Td>{i.required ? "yes" : "advisory"}</Td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section title={`Results (${pack.results.length})`}>
        {pack.results.length === 0 ? (
          <Empty>No results reported.</Empty>
        ) : (
          <Table head={["Reported", "Key", "Status", "Environment", "Commit", "Duration", "Run", "Message"]}>
            {pack.results.map((r, index) => (
              <tr key={`${r.deliveryId}:${r.key}:${index}`}>
                <Td>{when(r.reportedAt)}</Td>
                <Td mono>{r.key}</Td>
                <Td>{r.status}</Td>
                <Td>{r.environment ?? "all"}</Td>
                <Td mono nowrap>
                  {r.commit.slice(0, 12)}
                </Td>
                <Td>{r.durationMs === null ? "—" : `${r.durationMs} ms`}</Td>
                <Td>{r.runUrl ?? r.runId ?? "—"}</Td>
                <Td>
                  {r.message ? (
                    <span className="whitespace-pre-wrap font-mono">
                      {r.message.length > MESSAGE_SHOWN ? `${r.message.slice(0, MESSAGE_SHOWN)}… (in full in the JSON)` : r.message}
                    </span>
                  ) : (
                    "—"
                  )}
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <Section title={`Metrics (${pack.metrics.length})`}>
        {pack.metrics.length === 0 ? (
          <Empty>No metrics reported.</Empty>
        ) : (
          <Table head={["Reported", "Name", "Value", "Environment", "Commit"]}>
            {pack.metrics.map((m, index) => (
              <tr key={`${m.deliveryId}:${m.name}:${index}`}>
                <Td>{when(m.reportedAt)}</Td>
                <Td mono>{m.name}</Td>
                <Td>
                  {m.value}
                  {m.unit ? ` ${m.unit}` : ""}
                </Td>
                <Td>{m.environment ?? "all"}</Td>
                <Td mono nowrap>
                  {m.commit.slice(0, 12)}
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <Section title="Deployments, rollbacks, overrides and alerts">
        <Facts
          label="Deployments"
          rows={pack.deployments.map((d) => `${when(d.deployedAt)} · ${d.environment} · commit ${d.commit.slice(0, 12)} · by ${d.deployedBy}${d.overridden ? " · gate overridden" : ""}`)}
        />
        <Facts
          label="Rollback decisions"
          rows={pack.rollbackDecisions.map((d) => `${when(d.createdAt)} · ${d.environment} · ${d.decision}${d.toVersion ? ` to ${d.toVersion}` : ""} · by ${d.by}: ${d.reason}`)}
        />
        <Facts
          label="Gate overrides"
          rows={pack.overrides.map((o) => `${when(o.createdAt)} · ${o.environment} · by ${o.by}: ${o.reason}${o.liftedAt ? ` · lifted ${when(o.liftedAt)}${o.liftedBy ? ` by ${o.liftedBy}` : ""}` : " · in force"}`)}
        />
        <Facts label="Alerts" rows={pack.alerts.map((a) => `${when(a.receivedAt)} · ${a.environment} · ${a.name} · ${a.status}`)} />
        <Facts label="Changed files" rows={pack.release.changedFiles} mono />
      </Section>

      <Section title={`Audit trail (${pack.audit.events.length} events, oldest first)`}>
        <ol className="space-y-1">
          {pack.audit.events.map((event, index) => (
            <li key={event.id} className={`break-inside-avoid [overflow-wrap:anywhere] ${pack.audit.chain.brokenAt === index ? "bg-red-50 text-red-900" : ""}`}>
              <p>
                <span className="text-slate-500">{index + 1}.</span> <span className="font-medium">{event.actorLabel}</span> {describeAuditEvent(event, context)}
                <span className="text-slate-500"> · {when(event.createdAt)}</span>
              </p>
              <p className="break-all font-mono text-xs text-slate-500">
                #{event.id} {event.action} · hash {event.hash?.slice(0, 16) ?? "none"} ← {event.prevHash?.slice(0, 16) ?? "start"}
                {event.requestId ? ` · request ${event.requestId}` : ""}
                {event.ip ? ` · from ${event.ip}` : ""}
                {signedAt.has(event.id) ? ` · signed checkpoint #${signedAt.get(event.id)}` : ""}
              </p>
            </li>
          ))}
        </ol>
      </Section>
    </article>
  );
}

function isOverride(value: unknown): value is { by: string; reason: string } {
  return typeof value === "object" && value !== null && typeof (value as { by?: unknown }).by === "string" && typeof (value as { reason?: unknown }).reason === "string";
}

function ChainStatus({ pack }: { pack: EvidencePack }) {
  const { chain } = pack.audit;
  if (chain.ok) {
    const unsigned = chain.events - chain.signedEvents;
    return (
      <p role="status" aria-label="Audit chain" className="rounded border border-emerald-300 bg-emerald-50 px-3 py-2 text-emerald-900">
        <span className="font-semibold">
          Chain intact: {chain.events} event{chain.events === 1 ? "" : "s"}
        </span>{" "}
        · every audit event below links to the one before it by SHA-256; signed checkpoints cover {unsigned === 0 ? "all of them" : `${chain.signedEvents} of them`}. The pack is signed with
        key <span className="font-mono">{pack.signingKey.keyId}</span>: check a downloaded copy with{" "}
        <code className="font-mono">npx shipcheck verify {"<file>"} --key {"<public key>"}</code>, the key from <code className="font-mono">/api/v1/audit/public-key</code> kept apart from the pack.
      </p>
    );
  }
  return (
    <div role="status" aria-label="Audit chain" className="rounded border border-red-400 bg-red-50 px-3 py-2 text-red-900">
      <p className="font-semibold">
        {chain.brokenAt === undefined ? `Chain BROKEN: signed checkpoint #${chain.checkpoint ?? "?"} does not match` : `Chain BROKEN at event ${chain.brokenAt + 1} of ${chain.events}`}
      </p>
      {chain.reason ? <p>{reasonDetail(chain.reason)}</p> : null}
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm print:border-0 print:p-0 print:shadow-none">
      <h2 className="mb-2 text-base font-semibold print:border-b print:border-slate-300">{title}</h2>
      {children}
    </section>
  );
}

function Table({ head, children }: { head: string[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto print:overflow-visible">
      <table className="w-full border-collapse text-left text-xs">
        <thead>
          <tr className="border-b border-slate-300">
            {head.map((h) => (
              <th key={h} scope="col" className="px-1.5 py-1 font-semibold text-slate-600">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 [&_tr]:break-inside-avoid">{children}</tbody>
      </table>
    </div>
  );
}

function Td({ children, mono = false, nowrap = false }: { children: ReactNode; mono?: boolean; nowrap?: boolean }) {
  return <td className={`px-1.5 py-1 align-top ${mono ? "font-mono" : ""} ${nowrap ? "whitespace-nowrap" : mono ? "break-all" : ""}`}>{children}</td>;
}

function Empty({ children }: { children: ReactNode }) {
  return <p className="text-slate-500">{children}</p>;
}

function Facts({ label, rows, mono = false }: { label: string; rows: string[]; mono?: boolean }) {
  return (
    <div className="mb-2 break-inside-avoid">
      <h3 className="font-medium">
        {label} ({rows.length})
      </h3>
      {rows.length === 0 ? (
        <Empty>None.</Empty>
      ) : (
        <ul className={`ml-4 list-disc text-slate-700 ${mono ? "font-mono text-xs" : ""}`}>
          {rows.map((row, index) => (
            <li key={index}>{row}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
