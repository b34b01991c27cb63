// Refetching on pushed changes without piling up: while one refetch runs, further changes only
// mark it dirty, and one more refetch follows it (it may have read before the latest commit).
// A burst of changes costs at most two requests, and the last change is never missed.
export function coalesced(run: () => Promise<unknown>): () => void {
  let running = false;
  let again = false;
  const trigger = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void run()
      .catch(() => {
        // The query shows its own error; the next change tries again.
      })
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          trigger();
        }
      });
  };
  return trigger;
}
