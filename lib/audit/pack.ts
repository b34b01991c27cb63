// The evidence pack: one JSON document holding everything known about a release when it was
// exported, with the release's audit trail, its hash chain and signed checkpoints, signed as a
// whole by the instance's key. Pure: the shape (zod), the check `shipcheck verify` runs on a
// pack, and the readable line for an audit event shared by the release page's timeline and the
// printable evidence page.
import { createHash, type KeyObject } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "@/lib/canonical-json";
import { chainOf, eventHash, verifyChain } from "./chain";
import { checkpointSchema, verifyCheckpoints, type Checkpoint, type CheckpointReport } from "./checkpoint";
import { packSignatureSchema, verifyPackSignature, type PackSignatureReport } from "./pack-signature";
import { keyIdOf, KeyFormatError, parsePublicKey, SIGNATURE_ALGORITHM } from "./signing";

export const PACK_FORMAT = "shipcheck-evidence-pack";
/** 2: signed, with checkpoints and the public key. Version 1 packs (unsigned) are not read. */
export const PACK_FORMAT_VERSION = 2;

// ---------------------------------------------------------------------------------------------
// Shape

/**
 * One stored audit event, exactly as the chain hashes it, plus its storage id (as a string: it is
 * a 64-bit sequence) and its links. Field types only: whatever was altered inside an event is the
 * chain's to report (exit 1, naming the event), not the shape's.
 */
export const auditEventSchema = z.strictObject({
  id: z.string().regex(/^\d{1,19}$/, "an audit event id is a decimal number"),
  projectId: z.string().nullable(),
  releaseId: z.string().nullable(),
  actorUserId: z.string().nullable(),
  actorToken: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  createdAt: z.string(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
});
export type AuditEventRecord = z.infer<typeof auditEventSchema>;

/** What the server found checking a chain: its links (brokenAt is a 0-based index into it), then its signed checkpoints. */
export const chainCheckSchema = z.strictObject({
  ok: z.boolean(),
  events: z.number().int().min(0),
  brokenAt: z.number().int().min(0).optional().meta({ description: "The first event that does not link up or match its hash." }),
  reason: z.string().optional(),
  checkpoints: z.number().int().min(0).meta({ description: "Signed checkpoints of the chain, each checked against the signing key." }),
  signedEvents: z.number().int().min(0).meta({ description: "Events covered by a checkpoint that verified: the rest are protected by the hash chain only." }),
  checkpoint: z.string().optional().meta({ description: "Id of the checkpoint that failed: the signed part of the chain was rewritten, extended or cut short." }),
});
export type ChainCheck = z.infer<typeof chainCheckSchema>;

/** The instance's public key, which checkpoints and packs are signed with. */
export const signingKeySchema = z.strictObject({
  algorithm: z.literal(SIGNATURE_ALGORITHM),
  keyId: z.string().meta({ description: "First 16 hex digits of the SHA-256 of the key's SPKI DER." }),
  publicKey: z.string().meta({ description: "The public key, PEM (SPKI): give it to `shipcheck verify --key`." }),
});
export type SigningKeyInfo = z.infer<typeof signingKeySchema>;

/** GET …/audit: the release's events, oldest first, each with a readable summary. */
export const auditTrailSchema = z.strictObject({
  project: z.string(),
  release: z.string(),
  chain: chainCheckSchema,
  signingKey: signingKeySchema,
  checkpoints: z.array(checkpointSchema),
  events: z.array(auditEventSchema.extend({ summary: z.string().meta({ description: "What the actor did, in words (without the actor and time)." }) })),
});
export type AuditTrail = z.infer<typeof auditTrailSchema>;

/** A project's own chain (tokens, members, templates, locks) or the instance's (sign-ins, accounts). */
export const chainTrailSchema = z.strictObject({
  scope: z.enum(["project", "instance"]),
  project: z.string().nullable().meta({ description: "The project's slug; null for the instance's chain." }),
  chain: chainCheckSchema,
  signingKey: signingKeySchema,
  checkpoints: z.array(checkpointSchema),
  events: z
    .array(auditEventSchema.extend({ summary: z.string() }))
    .meta({ description: "The newest events, oldest first, at most `limit` of them (`chain.events` counts them all: the whole chain is checked)." }),
});
export type ChainTrail = z.infer<typeof chainTrailSchema>;

const instant = z.string();
const json = z.unknown();

const evidenceFileSchema = z.strictObject({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().min(0),
  sha256: z.string(),
  uploadedBy: z.string(),
  createdAt: instant,
});

const gateBlockerSchema = z.looseObject({ item: z.string(), title: z.string(), reason: z.string(), detail: z.string() });

export const evidencePackSchema = z.strictObject({
  format: z.literal(PACK_FORMAT),
  formatVersion: z.literal(PACK_FORMAT_VERSION),
  generatedAt: instant,
  generatedBy: z.string(),
  project: z.strictObject({ id: z.string(), slug: z.string(), name: z.string(), environments: z.array(z.string()) }),
  release: z.strictObject({
    id: z.string(),
    version: z.string(),
    commit: z.string(),
    status: z.string(),
    createdAt: instant,
    createdBy: z.string().nullable(),
    changedFiles: z.array(z.string()),
  }),
  template: z.strictObject({ name: z.string(), version: z.number().int(), digest: z.string(), createdAt: instant, definition: json }),
  items: z.array(
    z.strictObject({
      key: z.string(),
      section: z.string(),
      phase: z.string(),
      position: z.number().int(),
      kind: z.string(),
      title: z.string(),
      instructions: z.string().nullable(),
      required: z.boolean(),
      environments: z.array(z.string()),
      config: json,
    }),
  ),
  results: z.array(
    z.strictObject({
      key: z.string(),
      status: z.string(),
      message: z.string().nullable(),
      durationMs: z.number().nullable(),
      commit: z.string(),
      environment: z.string().nullable(),
      runId: z.string().nullable(),
      runUrl: z.string().nullable(),
      startedAt: instant.nullable(),
      reportedAt: instant,
      source: z.string(),
      deliveryId: z.string(),
    }),
  ),
  metrics: z.array(
    z.strictObject({
      name: z.string(),
      /** null: a Prometheus reading without a usable value (`error` says why). */
      value: z.number().nullable(),
      unit: z.string().nullable(),
      commit: z.string(),
      environment: z.string().nullable(),
      reportedAt: instant,
      deliveryId: z.string(),
      // Packs made before Prometheus readings have none of these.
      source: z.string().optional(),
      query: z.string().nullable().optional(),
      error: z.string().nullable().optional(),
    }),
  ),
  signOffs: z.array(
    z.strictObject({
      id: z.string(),
      item: z.string(),
      userId: z.string(),
      by: z.string(),
      name: z.string().nullable(),
      role: z.string(),
      environment: z.string(),
      commit: z.string(),
      comment: z.string().nullable(),
      evidenceUrl: z.string().nullable(),
      evidence: evidenceFileSchema.nullable(),
      createdAt: instant,
      stale: z.boolean(),
      revokedAt: instant.nullable(),
      revokedById: z.string().nullable(),
      revokedBy: z.string().nullable(),
      revokeReason: z.string().nullable(),
    }),
  ),
  stepTicks: z.array(
    z.strictObject({ item: z.string(), environment: z.string(), step: z.number().int(), text: z.string().nullable(), commit: z.string(), by: z.string(), tickedAt: instant }),
  ),
  gates: z.record(z.string(), z.looseObject({ environment: z.string(), open: z.boolean(), overridden: z.boolean(), blocking: z.array(gateBlockerSchema) })),
  deployments: z.array(
    z.strictObject({ environment: z.string(), commit: z.string(), overridden: z.boolean(), deployedBy: z.string(), deployedAt: instant }),
  ),
  rollbackDecisions: z.array(
    z.strictObject({ environment: z.string(), decision: z.string(), toVersion: z.string().nullable(), reason: z.string(), by: z.string(), createdAt: instant }),
  ),
  overrides: z.array(
    z.strictObject({ environment: z.string(), reason: z.string(), by: z.string(), createdAt: instant, liftedAt: instant.nullable(), liftedBy: z.string().nullable() }),
  ),
  alerts: z.array(
    z.strictObject({
      name: z.string(),
      environment: z.string(),
      status: z.string(),
      fingerprint: z.string(),
      startsAt: instant.nullable(),
      endsAt: instant.nullable(),
      labels: json,
      annotations: json,
      receivedAt: instant,
    }),
  ),
  signingKey: signingKeySchema,
  audit: z.strictObject({ chain: chainCheckSchema, checkpoints: z.array(checkpointSchema), events: z.array(auditEventSchema) }),
  signature: packSignatureSchema,
});
export type EvidencePack = z.infer<typeof evidencePackSchema>;
/** A pack as built, before the server signs it. */
export type UnsignedEvidencePack = Omit<EvidencePack, "signature">;

// ---------------------------------------------------------------------------------------------
// Checking a pack

export type BrokenLink = {
  /** Which chain (`release:<id>`, `project:<id>`, `instance`). */
  chain: string;
  /** 1-based position in its chain, in id order. */
  position: number;
  /** Events in that chain. */
  of: number;
  id: string;
  action: string;
  createdAt: string;
  /** `changed`: the event's content no longer matches its hash; `unlinked`: it does not follow the event before it. */
  problem: "changed" | "unlinked";
  /** One line: "broken at event K (action): …". */
  message: string;
};

export type ChainReport = { ok: true; events: number; chains: number } | { ok: false; events: number; chains: number; broken: BrokenLink };

const short = (hash: string | null | undefined) => (hash ? hash.slice(0, 12) : "nothing");

/** Events in id order (ids are 64-bit: compared as BigInt, never as floats or strings). */
export function inIdOrder<T extends { id: string }>(events: readonly T[]): T[] {
  return [...events].sort((a, b) => {
    const x = BigInt(a.id);
    const y = BigInt(b.id);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Items by key, each group in the order given (appended in place: chains run to many thousands). */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group) group.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}

/**
 * Checks every chain among the events (grouped as the server chains them, each in id order) and
 * explains the first broken link found, in words a person can act on.
 */
export function checkChains(events: readonly AuditEventRecord[]): ChainReport {
  const chains = groupBy(inIdOrder(events), chainOf);
  for (const [chain, list] of chains) {
    const check = verifyChain(list);
    if (check.ok) continue;
    const index = check.brokenAt;
    const event = list[index]!;
    const before = index > 0 ? list[index - 1]! : null;
    const position = index + 1;
    const where = chains.size > 1 ? ` of chain ${chain}` : "";
    const linked = event.prevHash === (before?.hash ?? null);
    const problem: BrokenLink["problem"] = linked ? "changed" : "unlinked";
    const explanation =
      problem === "changed"
        ? `event #${event.id} (${event.createdAt}) no longer matches its hash ${short(event.hash)} (its content hashes to ${short(eventHash(event.prevHash, event))}): it was changed after it was recorded`
        : `event #${event.id} (${event.createdAt}) points at ${short(event.prevHash)}, but the event before it ${before ? `(#${before.id}) has hash ${short(before.hash)}` : "is nothing: it should be the first"}: an event was removed, inserted or reordered, or the one before it was rewritten`;
    return {
      ok: false,
      events: events.length,
      chains: chains.size,
      broken: {
        chain,
        position,
        of: list.length,
        id: event.id,
        action: event.action,
        createdAt: event.createdAt,
        problem,
        message: `broken at event ${position}${where} (${event.action}): ${explanation}`,
      },
    };
  }
  return { ok: true, events: events.length, chains: chains.size };
}

/**
 * Every chain's checkpoints (grouped by the chain they name, oldest first) against that chain's
 * events (grouped as checkChains groups them) and the key; reports the first that fails.
 */
export function checkCheckpoints(events: readonly AuditEventRecord[], checkpoints: readonly Checkpoint[], publicKey: KeyObject): CheckpointReport {
  const chains = groupBy(inIdOrder(events), chainOf);
  const signed = groupBy(inIdOrder(checkpoints), (c) => c.chain);
  let checked = 0;
  let signedEvents = 0;
  for (const [chain, list] of signed) {
    const report = verifyCheckpoints(chains.get(chain) ?? [], list, publicKey);
    checked += report.checked;
    signedEvents += report.signedEvents;
    if (!report.ok) return { ...report, checked, signedEvents };
  }
  return { ok: true, checked, signedEvents };
}

/**
 * The chain check as the API and the pack state it: verifyChain's fields (brokenAt is the 0-based
 * index of the broken event in `events`, in id order), with the reason put as checkChains puts it;
 * then, when the links hold, the signed checkpoints, naming the first that fails.
 */
export function chainCheckOf(events: readonly AuditEventRecord[], checkpoints: readonly Checkpoint[], publicKey: KeyObject): ChainCheck {
  const ordered = inIdOrder(events);
  const report = checkChains(ordered);
  const signed = checkCheckpoints(ordered, checkpoints, publicKey);
  const counts = { checkpoints: checkpoints.length, signedEvents: signed.signedEvents };
  if (!report.ok) return { ok: false, events: report.events, brokenAt: ordered.findIndex((e) => e.id === report.broken.id), reason: report.broken.message, ...counts };
  if (!signed.ok) return { ok: false, events: report.events, reason: signed.message, ...counts, checkpoint: signed.checkpoint.id };
  return { ok: true, events: report.events, ...counts };
}

/** A chain reason without its "broken at event K (action): " lead, for under a headline that says it. */
export function reasonDetail(reason: string): string {
  const detail = reason.replace(/^broken at event \d+(?: of chain \S+)? \([^)]*\): /, "");
  return detail.charAt(0).toUpperCase() + detail.slice(1);
}

export type TemplateCheck = { ok: boolean; expected: string; actual: string };

/** A template version's digest is the SHA-256 of its definition as canonical JSON. */
export function templateDigest(definition: unknown): string {
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}

/**
 * The pack's sign-offs against the audit events that recorded them: the chain proves the events,
 * so a sign-off whose signer, comment, evidence or revocation differs from its event was edited
 * in the pack. Only fields the event recorded are compared. Returns one line per disagreement.
 */
export function crossCheckSignOffs(pack: Pick<EvidencePack, "signOffs" | "items" | "audit">): string[] {
  const problems: string[] = [];
  const titles = new Map(pack.items.map((i) => [i.key, i.title]));
  const eventFor = (action: string, id: string) => pack.audit.events.find((e) => e.action === action && asFields(e.after).signOff === id);
  for (const s of pack.signOffs) {
    const name = `sign-off of ${titles.get(s.item) ?? s.item} for ${s.environment} by ${s.by}`;
    const differ = (field: string, inPack: unknown, event: AuditEventRecord, recorded: unknown) => {
      if (canonicalJson(inPack ?? null) !== canonicalJson(recorded ?? null)) {
        problems.push(`${name}: ${field} is ${JSON.stringify(inPack ?? null)} in the pack, but its audit event #${event.id} recorded ${JSON.stringify(recorded ?? null)}`);
      }
    };
    const created = eventFor("signoff.created", s.id);
    if (!created) {
      problems.push(`${name}: no signoff.created audit event records it`);
      continue;
    }
    const after = asFields(created.after);
    differ("the signer", s.userId, created, created.actorUserId);
    differ("the item", s.item, created, created.targetId);
    for (const [field, value] of [["environment", s.environment], ["commit", s.commit], ["role", s.role], ["comment", s.comment], ["evidenceUrl", s.evidenceUrl]] as const) {
      if (field in after) differ(field, value, created, after[field]);
    }
    if ("evidence" in after) {
      const recorded = after.evidence === null ? null : asFields(after.evidence);
      differ("the evidence file's sha256", s.evidence?.sha256 ?? null, created, recorded?.sha256 ?? null);
    }
    const revoked = eventFor("signoff.revoked", s.id);
    if (revoked) {
      const r = asFields(revoked.after);
      differ("revokedAt", s.revokedAt, revoked, r.revokedAt);
      if ("reason" in r) differ("the revocation reason", s.revokeReason, revoked, r.reason);
      differ("the revoker", s.revokedById, revoked, revoked.actorUserId);
    } else if (s.revokedAt) {
      problems.push(`${name}: revoked in the pack, but no signoff.revoked audit event records it`);
    }
  }
  return problems;
}

/** Which key the signatures were checked with: one given by the person verifying, or only the pack's own. */
export type KeyUse = { source: "given" | "pack"; keyId: string; packKeyId: string; sameAsPack: boolean };

export type PackVerdict =
  | { status: "invalid"; issues: string[] }
  | {
      status: "checked";
      pack: EvidencePack;
      chain: ChainReport;
      checkpoints: CheckpointReport;
      signature: PackSignatureReport;
      key: KeyUse;
      template: TemplateCheck;
      signOffs: string[];
      /** Nothing failed. */
      ok: boolean;
      /** Nothing failed, checked with a key given by the person verifying: only this proves the pack is the server's. */
      authenticated: boolean;
    };

/** Issues as `path: message` lines, the first few only. */
function issueLines(error: z.ZodError, shown = 8): string[] {
  const lines = error.issues.slice(0, shown).map((issue) => `${issue.path.map(String).join(".") || "(the document)"}: ${issue.message}`);
  if (error.issues.length > shown) lines.push(`… and ${error.issues.length - shown} more`);
  return lines;
}

/**
 * What `shipcheck verify` decides about a parsed JSON document. `key`: the server's public key as
 * the person verifying knows it; without one, signatures are checked against the key the pack
 * names, which shows the pack is self-consistent and nothing more.
 */
export function verifyPack(document: unknown, options: { key?: KeyObject } = {}): PackVerdict {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    return { status: "invalid", issues: ["(the document): not a JSON object"] };
  }
  const head = document as Record<string, unknown>;
  if (head.format !== PACK_FORMAT) {
    return { status: "invalid", issues: [`format: expected "${PACK_FORMAT}", got ${JSON.stringify(head.format ?? null)}: this is not a Shipcheck evidence pack`] };
  }
  if (head.formatVersion !== PACK_FORMAT_VERSION) {
    const unsigned = head.formatVersion === 1 ? " (made before packs were signed: export it again from the server)" : "";
    return { status: "invalid", issues: [`formatVersion: this shipcheck reads version ${PACK_FORMAT_VERSION}, the pack is version ${JSON.stringify(head.formatVersion ?? null)}${unsigned}`] };
  }
  const parsed = evidencePackSchema.safeParse(document);
  if (!parsed.success) return { status: "invalid", issues: issueLines(parsed.error) };
  const pack = parsed.data;

  let packKey: KeyObject | null = null;
  try {
    packKey = parsePublicKey(pack.signingKey.publicKey);
  } catch (error) {
    if (!(error instanceof KeyFormatError)) throw error;
    if (!options.key) return { status: "invalid", issues: [`signingKey.publicKey: ${error.message}`] };
  }
  const key = options.key ?? packKey!;
  const keyUse: KeyUse = { source: options.key ? "given" : "pack", keyId: keyIdOf(key), packKeyId: pack.signingKey.keyId, sameAsPack: packKey !== null && packKey.equals(key) };

  // The signature covers the document as read: computed from the JSON, not from what zod made of it.
  const signature = verifyPackSignature(head, pack.signature, key);
  const chain = checkChains(pack.audit.events);
  const checkpoints = checkCheckpoints(pack.audit.events, pack.audit.checkpoints, key);
  const actual = templateDigest(pack.template.definition);
  const template = { ok: actual === pack.template.digest, expected: pack.template.digest, actual };
  const signOffs = crossCheckSignOffs(pack);
  const ok = signature.ok && chain.ok && checkpoints.ok && template.ok && signOffs.length === 0;
  return { status: "checked", pack, chain, checkpoints, signature, key: keyUse, template, signOffs, ok, authenticated: ok && keyUse.source === "given" };
}

// ---------------------------------------------------------------------------------------------
// Reading an event

/** What the describer may know beyond the event: item titles by key, sign-offs by id. */
export type DescribeContext = {
  itemTitles: Record<string, string>;
  signOffs: Record<string, { item: string; environment: string; by?: string }>;
};

type Fields = Record<string, unknown>;

const asFields = (value: unknown): Fields => (value && typeof value === "object" && !Array.isArray(value) ? (value as Fields) : {});
const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : null);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const forEnvironment = (environment: unknown) => (text(environment) ? ` for ${text(environment)}` : " for every environment");

/**
 * What the actor did, in one line ("signed off Release manager approval for staging"). Plain text:
 * whoever renders it renders it as text. Unknown actions still read sensibly.
 */
export function describeAuditEvent(event: Pick<AuditEventRecord, "action" | "targetType" | "targetId" | "before" | "after">, context: DescribeContext): string {
  const after = asFields(event.after);
  const before = asFields(event.before);
  const title = (key: string | null) => (key ? (context.itemTitles[key] ?? key) : "an item");
  switch (event.action) {
    case "release.created": {
      const guarded = Array.isArray(after.guardedPathsHit) ? after.guardedPathsHit.filter((p): p is string => typeof p === "string") : [];
      const commit = text(after.commit);
      return `created release ${text(after.version) ?? ""}${commit ? ` at commit ${commit.slice(0, 12)}` : ""}${text(after.template) ? ` from checklist ${text(after.template)} v${text(after.templateVersion) ?? "?"}` : ""}${guarded.length ? ` (guarded paths changed: ${guarded.join(", ")})` : ""}`.replace(/ {2,}/g, " ");
    }
    case "results.recorded": {
      const count = typeof after.count === "number" ? after.count : 0;
      const run = text(asFields(after.run).id);
      return `reported ${plural(count, "result")}${text(after.source) ? ` (${text(after.source)})` : ""}${forEnvironment(after.environment)}${run ? `, run ${run}` : ""}`;
    }
    case "metrics.recorded": {
      const metrics = Array.isArray(after.metrics) ? after.metrics.map(asFields) : [];
      const values = metrics.map((m) => `${text(m.name) ?? "?"} = ${text(m.value) ?? "?"}${text(m.unit) ? ` ${text(m.unit)}` : ""}`);
      return `reported ${values.length ? values.join(", ") : "metrics"}${forEnvironment(after.environment)}`;
    }
    case "metrics.queried": {
      const readings = Array.isArray(after.readings) ? after.readings.map(asFields) : [];
      const values = readings.map((r) => `${text(r.metric) ?? "?"}${forEnvironment(r.environment).replace(" for every environment", "")} = ${typeof r.value === "number" ? r.value : `no value (${text(r.error) ?? "no answer"})`}`);
      return `read ${values.length ? values.join(", ") : "nothing"} from Prometheus`;
    }
    case "signoff.created": {
      const file = text(asFields(after.evidence).filename);
      const evidence = [file ? `file ${file}` : null, text(after.evidenceUrl) ? `link ${text(after.evidenceUrl)}` : null].filter(Boolean);
      return `signed off ${title(event.targetId)} for ${text(after.environment) ?? "?"}${text(after.comment) ? `: “${text(after.comment)}”` : ""}${evidence.length ? ` (evidence: ${evidence.join(", ")})` : ""}`;
    }
    case "signoff.revoked": {
      const signOff = context.signOffs[text(after.signOff) ?? ""];
      const whose = signOff?.by ? `${signOff.by}'s sign-off` : "a sign-off";
      return `revoked ${whose} of ${title(event.targetId)}${signOff ? ` for ${signOff.environment}` : ""}${text(after.reason) ? `: “${text(after.reason)}”` : ""}`;
    }
    case "item.rejected":
      return `rejected ${title(event.targetId)} for ${text(after.environment) ?? "?"}${text(after.commit) ? ` at commit ${text(after.commit)!.slice(0, 12)}` : ""}${text(after.reason) ? `: “${text(after.reason)}”` : ""}`;
    case "item.assigned":
      return `assigned ${title(event.targetId)} to ${text(after.name) ?? "a member"}`;
    case "item.unassigned":
      return `unassigned ${title(event.targetId)}${text(asFields(event.before).name) ? ` from ${text(asFields(event.before).name)}` : ""}`;
    case "step.ticked":
    case "step.unticked": {
      const step = typeof after.step === "number" ? after.step + 1 : "?";
      const verb = event.action === "step.ticked" ? "ticked" : "unticked";
      return `${verb} step ${step} of ${title(event.targetId)} for ${text(after.environment) ?? "?"}${text(after.text) ? `: “${text(after.text)}”` : ""}`;
    }
    case "deployment.recorded":
      return `recorded a deploy to ${text(after.environment) ?? "?"}${text(after.commit) ? ` at commit ${text(after.commit)!.slice(0, 12)}` : ""}${after.overridden === true ? " with the gate overridden" : ""}${text(before.status) ? ` (release was ${text(before.status)!.replace("_", " ")})` : ""}`;
    case "gate.overridden": {
      const blocking = Array.isArray(before.blocking) ? before.blocking.length : null;
      return `overrode the ${text(after.environment) ?? text(event.targetId) ?? "?"} gate${blocking !== null ? ` (${plural(blocking, "blocking item")})` : ""}${text(after.reason) ? `: “${text(after.reason)}”` : ""}`;
    }
    case "gate.override_lifted":
      return `lifted the override of the ${text(event.targetId) ?? "?"} gate${text(before.by) ? ` (given by ${text(before.by)}${text(before.reason) ? `: “${text(before.reason)}”` : ""})` : ""}`;
    case "release.commit_changed": {
      const stale = typeof after.staleSignOffs === "number" ? after.staleSignOffs : 0;
      const lifted = Array.isArray(after.liftedOverrides) ? after.liftedOverrides.length : 0;
      const commit = (value: unknown) => text(value)?.slice(0, 12) ?? "?";
      return `moved the release to commit ${commit(after.commit)} (was ${commit(before.commit)})${stale ? `; ${plural(stale, "sign-off")} now stale` : ""}${lifted ? `; ${plural(lifted, "override")} lifted` : ""}`;
    }
    case "rollback.rolled_back":
      return `decided to roll back ${text(after.environment) ?? "?"}${text(after.toVersion) ? ` to ${text(after.toVersion)}` : ""}${text(after.reason) ? `: “${text(after.reason)}”` : ""}`;
    case "rollback.kept":
      return `decided to keep the release on ${text(after.environment) ?? "?"} despite the rollback recommendation${text(after.reason) ? `: “${text(after.reason)}”` : ""}`;
    default:
      return genericDescription(event, after, title);
  }
}

/** For actions without their own wording: the action in words, then what it was about. */
function genericDescription(event: Pick<AuditEventRecord, "action" | "targetType" | "targetId">, after: Fields, title: (key: string | null) => string): string {
  const words = event.action.replace(/[._]+/g, " ").trim();
  const target = event.targetType === "item" ? ` ${title(event.targetId)}` : "";
  const details = [
    text(after.environment) ? `for ${text(after.environment)}` : null,
    text(after.decision) ? `decision: ${text(after.decision)}` : null,
    text(after.toVersion) ? `to ${text(after.toVersion)}` : null,
    text(after.filename) ? `file ${text(after.filename)}` : null,
    text(after.reason) ? `reason: “${text(after.reason)}”` : null,
  ].filter(Boolean);
  return `${words}${target}${details.length ? ` ${details.join(", ")}` : ""}`;
}
