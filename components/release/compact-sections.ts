// Which sections of the release page are shown compact (one line per item), remembered in this
// browser's localStorage so the choice survives reloads and holds for every release.
import { useCallback, useSyncExternalStore } from "react";

const STORAGE_KEY = "shipcheck.compact-sections";
const CHANGED = "shipcheck:compact-sections";
/** Where the choice lives while this page is open if the browser refuses storage. */
let unsaved: string | null = null;

function read(): string {
  if (unsaved !== null) return unsaved;
  try {
    return window.localStorage.getItem(STORAGE_KEY) ?? "[]";
  } catch {
    return "[]";
  }
}

function subscribe(notify: () => void) {
  window.addEventListener("storage", notify);
  window.addEventListener(CHANGED, notify);
  return () => {
    window.removeEventListener("storage", notify);
    window.removeEventListener(CHANGED, notify);
  };
}

function parse(stored: string): string[] {
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/** The compact section titles, and a toggle for one; the server renders every section in full. */
export function useCompactSections(): { isCompact: (section: string) => boolean; toggle: (section: string) => void } {
  const stored = useSyncExternalStore(subscribe, read, () => "[]");
  const compact = parse(stored);
  const toggle = useCallback((section: string) => {
    const now = parse(read());
    const next = now.includes(section) ? now.filter((s) => s !== section) : [...now, section];
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      unsaved = JSON.stringify(next); // kept until the page closes
    }
    window.dispatchEvent(new Event(CHANGED));
  }, []);
  return { isCompact: (section) => compact.includes(section), toggle };
}
