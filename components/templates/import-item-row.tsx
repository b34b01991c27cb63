"use client";
// One item of the import preview: what it will do, and the controls to correct the importer's guess.
import { useState } from "react";
import { Instructions } from "@/components/release/instructions";
import { visible } from "@/lib/templates/markdown-text";
import { plainRendering, type RenderedMarkdown } from "@/lib/templates/rendered-markdown";
import { METRIC_OPERATORS, ROLES, type MetricOperator, type Phase, type RoleName, type TemplateItem } from "@/lib/templates/schema";
import {
  changeKind,
  defaultPlacement,
  describeItem,
  gatedBy,
  KIND_HELP,
  KINDS,
  placeablePhase,
  placeItem,
  placementLabel,
  sameItem,
  splitPatterns,
  verifyChoices,
  type Kind,
  type Problem,
} from "./import-model";

const control = "block h-8 w-full rounded border bg-white px-2 text-sm";
const border = (invalid: boolean) => (invalid ? "border-red-500 ring-1 ring-red-500" : "border-slate-300");
const caption = "mb-0.5 block text-xs font-medium text-slate-600";

type Props = {
  /** DOM id of the row, the target of links from the problem list. */
  id: string;
  item: TemplateItem;
  /** The item as the importer made it, restored when its kind is chosen again. */
  imported: TemplateItem | undefined;
  problems: Problem[];
  /** The phase of the item's section: whether it can be done on an environment after its deploy. */
  phase: Phase;
  /** The project's environments, in deploy order. */
  environments: string[];
  /** The words the importer decided where the item is done from ("Deploy to staging first"). */
  note: string | undefined;
  /** The title as the file had it, when the mojibake repair changed it. */
  repairedFrom: string | undefined;
  /** The instructions as the release page will show them, rendered by the import. */
  renderedInstructions: RenderedMarkdown | undefined;
  onChange: (item: TemplateItem) => void;
};

export function ImportItemRow({ id, item, imported, problems, phase, environments, note, repairedFrom, renderedInstructions, onChange }: Props) {
  const invalid = (field: string) => problems.some((p) => p.path.split(".").slice(4).join(".").startsWith(field));
  const changedKind = imported !== undefined && imported.kind !== item.kind;
  const edited = imported !== undefined && !sameItem(imported, item);
  const tone = problems.length ? "bg-red-50" : edited ? "bg-amber-50/60" : "";
  // The coloured edge: on the whole card when rows stack (below md), on the first cell in the table.
  const marker = problems.length
    ? "shadow-[inset_4px_0_0_var(--color-red-500)] md:shadow-none"
    : edited
      ? "shadow-[inset_4px_0_0_var(--color-amber-400)] md:shadow-none"
      : "";
  const cellMarker = problems.length ? "md:shadow-[inset_4px_0_0_var(--color-red-500)]" : edited ? "md:shadow-[inset_4px_0_0_var(--color-amber-400)]" : "";
  // Labelled by the importer's title, so the field keeps its name while it is being edited.
  const titleLabel = `Title of ${imported?.title ?? item.title}`;
  const placeable = placeablePhase(phase) && item.kind !== "watch";
  const choices = verifyChoices(environments);
  const options = item.verifyOn !== undefined && !choices.includes(item.verifyOn) ? [...choices, item.verifyOn] : choices;
  const movedFromImport = imported !== undefined && imported.verifyOn !== item.verifyOn;
  return (
    <tr id={id} aria-invalid={problems.length > 0 || undefined} className={`block align-top md:table-row ${tone} ${marker}`}>
      <td className={`block px-3 pt-3 md:table-cell md:py-3 ${cellMarker}`}>
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <input
            aria-label={titleLabel}
            placeholder="Item title"
            value={item.title}
            onChange={(event) => onChange({ ...item, title: event.target.value })}
            maxLength={300}
            required
            aria-invalid={invalid("title") || undefined}
            className={`${control} ${border(invalid("title"))} min-w-0 flex-1 basis-56 font-medium text-slate-900`}
          />
          {!item.required ? <span className="text-xs font-normal text-slate-500">(advisory)</span> : null}
          {item.environments.length ? <span className="text-xs font-normal text-slate-500">(only {item.environments.join(", ")})</span> : null}
          {edited ? <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">edited</span> : null}
        </div>
        {repairedFrom !== undefined && imported !== undefined && item.title === imported.title ? (
          <p className="mt-0.5 text-xs text-sky-800 [overflow-wrap:anywhere]">
            Repaired from <span className="font-mono">{visible(repairedFrom)}</span>
          </p>
        ) : null}
        <p className="mt-0.5 text-xs text-slate-600 [overflow-wrap:anywhere]">{describeItem(item)}</p>
        {placeable ? (
          <div className="mt-1.5">
            <label className="flex flex-col gap-x-2 gap-y-0.5 text-xs text-slate-600 sm:flex-row sm:items-center">
              <span className="shrink-0 font-medium">Done</span>
              <select
                aria-label={`Where ${item.title || "this item"} is done`}
                value={item.verifyOn ?? ""}
                onChange={(event) => onChange(placeItem(item, event.target.value || undefined))}
                className={`${control} ${border(false)} min-w-0 text-xs sm:flex-1 sm:text-sm md:max-w-md ${item.verifyOn !== undefined ? "border-violet-400 bg-violet-50 text-violet-950" : ""}`}
              >
                <option value="">{defaultPlacement(phase)}</option>
                {options.map((environment) => (
                  <option key={environment} value={environment}>
                    {placementLabel(environment, environments)}
                  </option>
                ))}
              </select>
            </label>
            {item.verifyOn !== undefined ? (
              <p className="mt-0.5 text-xs text-violet-900 [overflow-wrap:anywhere]">
                Signed off once, on {item.verifyOn}, after {item.verifyOn}&apos;s deploy is recorded. {gateSentence(item.verifyOn, environments)}
              </p>
            ) : null}
            {note && !movedFromImport ? <p className="mt-0.5 text-xs text-slate-600 [overflow-wrap:anywhere]">The importer chose this: the text says &ldquo;{note}&rdquo;.</p> : null}
            {movedFromImport ? (
              <p className="mt-0.5 text-xs text-amber-800">
                Changed from <strong>{imported.verifyOn === undefined ? defaultPlacement(phase).split(" — ")[0]!.toLowerCase() : `on ${imported.verifyOn} after its deploy`}</strong>.
              </p>
            ) : null}
          </div>
        ) : null}
        <label className="mt-1.5 flex items-center gap-2 text-xs text-slate-500">
          <span className="shrink-0">Key</span>
          <input
            aria-label={`Key of ${item.title}`}
            value={item.key}
            onChange={(event) => onChange({ ...item, key: event.target.value })}
            spellCheck={false}
            aria-invalid={invalid("key") || undefined}
            className={`${control} ${border(invalid("key"))} max-w-md font-mono text-xs text-slate-900`}
          />
        </label>
        {item.kind === "manual" && item.steps.length > 0 ? (
          <div className="mt-1.5">
            <p className="text-xs font-medium text-slate-600">Steps, ticked one by one:</p>
            <ol aria-label={`Steps of ${item.title}`} className="mt-0.5 list-decimal space-y-0.5 pl-5 text-xs text-slate-700">
              {item.steps.map((step, n) => (
                <li key={n}>{step}</li>
              ))}
            </ol>
          </div>
        ) : null}
        {item.instructions ? (
          <details className="mt-1.5">
            <summary className="cursor-pointer text-xs text-slate-600">Instructions</summary>
            <Instructions rendered={renderedInstructions ?? plainRendering(item.instructions)} />
          </details>
        ) : null}
        {changedKind ? (
          <p className="mt-1.5 text-xs text-amber-800">
            Changed from <strong>{imported.kind}</strong>: the importer&apos;s {imported.kind} settings will not be saved.
          </p>
        ) : null}
        {problems.length > 0 ? (
          <ul className="mt-1.5 space-y-0.5 text-xs font-medium text-red-800">
            {problems.map((p, n) => (
              <li key={n}>⚠ {p.message}</li>
            ))}
          </ul>
        ) : null}
      </td>
      <td className="block px-3 pt-2 md:table-cell md:py-3">
        <span className={`${caption} md:hidden`}>Kind</span>
        <select
          aria-label={`Kind of ${item.title}`}
          value={item.kind}
          onChange={(event) => onChange(changeKind(item, event.target.value as Kind, imported))}
          className={`${control} ${border(false)}`}
        >
          {KINDS.map((k) => (
            <option key={k} value={k} title={KIND_HELP[k]}>
              {k}
            </option>
          ))}
        </select>
      </td>
      <td className="block px-3 pb-3 pt-2 md:table-cell md:py-3">
        {/* Keyed by kind: a kind change starts its fields afresh. */}
        <KindSettings key={item.kind} item={item} invalid={invalid} onChange={onChange} />
      </td>
    </tr>
  );
}

function KindSettings({ item, invalid, onChange }: { item: TemplateItem; invalid: (field: string) => boolean; onChange: (item: TemplateItem) => void }) {
  switch (item.kind) {
    case "check":
      return (
        <label className="block">
          <span className={caption}>Patterns (comma-separated)</span>
          <TextField
            label={`Patterns of ${item.title}`}
            initial={item.patterns.join(", ")}
            required
            invalid={invalid("patterns")}
            placeholder="e.g. tests/smoke/, tests/api.py::TestAuth"
            onText={(text) => onChange({ ...item, patterns: splitPatterns(text) })}
          />
        </label>
      );
    case "metric":
      return (
        <div className="space-y-1.5">
          <label className="block">
            <span className={caption}>Metric name</span>
            <TextField label={`Metric of ${item.title}`} initial={item.metric} required invalid={invalid("metric")} placeholder="e.g. events_per_sec" onText={(metric) => onChange({ ...item, metric: metric.trim() })} />
          </label>
          <div className="flex gap-2">
            <label className="w-20 shrink-0">
              <span className={caption}>Operator</span>
              <select
                aria-label={`Operator of ${item.title}`}
                value={item.operator}
                onChange={(event) => onChange({ ...item, operator: event.target.value as MetricOperator })}
                className={`${control} ${border(false)} font-mono`}
              >
                {METRIC_OPERATORS.map((op) => (
                  <option key={op} value={op}>
                    {op}
                  </option>
                ))}
              </select>
            </label>
            <label className="min-w-0 flex-1">
              <span className={caption}>Threshold</span>
              <TextField
                label={`Threshold of ${item.title}`}
                initial={Number.isFinite(item.threshold) ? String(item.threshold) : ""}
                required
                inputMode="decimal"
                invalid={invalid("threshold")}
                placeholder="e.g. 500"
                onText={(text) => onChange({ ...item, threshold: text.trim() === "" ? Number.NaN : Number(text) })}
              />
            </label>
          </div>
        </div>
      );
    case "manual":
      return (
        <label className="block">
          <span className={caption}>Who signs off (least role)</span>
          <select
            aria-label={`Role of ${item.title}`}
            value={item.role}
            onChange={(event) => onChange({ ...item, role: event.target.value as RoleName })}
            className={`${control} ${border(false)}`}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      );
    case "watch":
      return (
        <div className="space-y-1.5">
          <label className="block">
            <span className={caption}>Check pattern that must not fail</span>
            <TextField
              label={`Check pattern watched by ${item.title}`}
              initial={item.check ?? ""}
              invalid={invalid("check")}
              placeholder="e.g. tests/smoke/"
              onText={(text) => onChange(withOptional(item, "check", text.trim()))}
            />
          </label>
          <label className="block">
            <span className={caption}>or alert name that must not fire</span>
            <TextField
              label={`Alert watched by ${item.title}`}
              initial={item.alert ?? ""}
              invalid={invalid("check")}
              placeholder="e.g. HighErrorRate"
              onText={(text) => onChange(withOptional(item, "alert", text.trim()))}
            />
          </label>
          {item.metric ? (
            <p className="text-xs text-slate-600">
              and metric <span className="font-mono">{`${item.metric.name} ${item.metric.operator} ${item.metric.threshold}`}</span>
            </p>
          ) : null}
        </div>
      );
  }
}

/** "Production's gate needs it; staging's does not." */
function gateSentence(environment: string, environments: readonly string[]): string {
  const later = gatedBy(environment, environments);
  if (later.length === 0) return `No environment after ${environment} needs it.`;
  const gates = later.length === 1 ? `${later[0]}'s gate needs it` : `The gates of ${later.join(", ")} need it`;
  return `${gates.charAt(0).toUpperCase()}${gates.slice(1)}; ${environment}'s does not.`;
}

/** Sets an optional text field, or removes it when empty (the schema refuses empty strings). */
function withOptional<T extends TemplateItem, K extends keyof T & string>(item: T, field: K, value: string): T {
  const copy = { ...item };
  if (value) (copy as Record<string, unknown>)[field] = value;
  else delete copy[field];
  return copy;
}

/**
 * A text input that keeps what the reviewer typed ("tests/a, " mid-typing) while handing the
 * parsed value up on every keystroke.
 */
function TextField({
  label,
  initial,
  onText,
  invalid,
  required,
  placeholder,
  inputMode,
}: {
  label: string;
  initial: string;
  onText: (text: string) => void;
  invalid: boolean;
  required?: boolean;
  placeholder?: string;
  inputMode?: "decimal";
}) {
  const [text, setText] = useState(initial);
  return (
    <input
      aria-label={label}
      value={text}
      onChange={(event) => {
        setText(event.target.value);
        onText(event.target.value);
      }}
      required={required}
      aria-invalid={invalid || undefined}
      placeholder={placeholder}
      inputMode={inputMode}
      spellCheck={false}
      className={`${control} ${border(invalid)} font-mono text-xs`}
    />
  );
}
