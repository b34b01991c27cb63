// The project's deploy lock, loud and red wherever releases are shown.
import type { ProjectLockView } from "@/lib/server/project-lock";
import { LocalTime } from "../local-time";

export function LockBanner({ lock, children }: { lock: ProjectLockView | null; children?: React.ReactNode }) {
  if (!lock) return null;
  return (
    <section role="alert" aria-label="Deploys locked" className="rounded-lg border-2 border-red-700 bg-red-100 p-4 text-red-950">
      <h2 className="text-lg font-bold">Deploys locked: every gate of this project is closed</h2>
      <p className="mt-1 text-sm">
        Locked{lock.by ? ` by ${lock.by}` : ""}
        {lock.at ? (
          <>
            {" at "}
            <LocalTime iso={lock.at} />
          </>
        ) : null}: <span className="font-medium">{lock.reason}</span>
      </p>
      {children}
    </section>
  );
}
