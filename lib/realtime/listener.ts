// One LISTEN connection per app instance, fanned out to the instance's subscribers (open event
// streams). It is a plain pg client of its own: a pooled connection is handed to other queries
// between uses, and a LISTEN only holds on the session that issued it.
import pg from "pg";
import { log } from "@/lib/log";
import { concerns, decodeNotice, type ChangeNotice, type Interest } from "./change";

/**
 * What a subscriber hears: a change it is interested in; `lost` when the connection dropped
 * (changes may go unannounced until it is back: poll); `resync` once it listens again, or for the
 * first time (changes may have been missed meanwhile: refetch).
 */
export type ListenerSignal = { type: "change"; notice: ChangeNotice } | { type: "lost" } | { type: "resync" };

export type Subscriber = (signal: ListenerSignal) => void;

export type Backoff = { initialMs: number; maxMs: number };

/** Exponential, capped, with jitter in its upper half so instances that lost the database together don't return in step. */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export type ListenerOptions = {
  connectionString: string;
  channel: string;
  backoff?: Backoff;
  /** A query this often proves the connection still answers (a dead peer need not close the socket). */
  pingMs?: number;
  log?: (message: string) => void;
  /** How the connection shows in pg_stat_activity. */
  applicationName?: string;
};

type Entry = { interest: Interest; notify: Subscriber };

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export class ChangeListener {
  private readonly byProject = new Map<string, Set<Entry>>();
  private readonly backoff: Backoff;
  private readonly pingMs: number;
  private readonly log: (message: string) => void;
  private running: Promise<void> | null = null;
  private dropCurrent: (() => void) | null = null;
  private wake: (() => void) | null = null;
  private closed = false;
  private listening = false;
  /** Successful LISTENs so far, for tests and the health of the fan-out. */
  connections = 0;

  constructor(private readonly options: ListenerOptions) {
    this.backoff = options.backoff ?? { initialMs: 250, maxMs: 10_000 };
    this.pingMs = options.pingMs ?? 30_000;
    this.log = options.log ?? ((message) => log().warn({ part: "realtime" }, message));
  }

  /** Whether changes reach subscribers right now. */
  get connected(): boolean {
    return this.listening;
  }

  get subscriberCount(): number {
    let n = 0;
    for (const entries of this.byProject.values()) n += entries.size;
    return n;
  }

  /** Starts the connection on first use. Returns the unsubscribe function. */
  subscribe(interest: Interest, notify: Subscriber): () => void {
    if (this.closed) throw new Error("the change listener is closed");
    const entry: Entry = { interest, notify };
    let entries = this.byProject.get(interest.projectId);
    if (!entries) this.byProject.set(interest.projectId, (entries = new Set()));
    entries.add(entry);
    this.running ??= this.run();
    return () => {
      const set = this.byProject.get(interest.projectId);
      set?.delete(entry);
      if (set?.size === 0) this.byProject.delete(interest.projectId);
    };
  }

  /** Drops the current connection as if the network had; it reconnects by itself (tests, and a failed ping). */
  interrupt(): void {
    this.dropCurrent?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.dropCurrent?.();
    this.wake?.();
    await this.running;
    this.byProject.clear();
  }

  private deliver(notice: ChangeNotice): void {
    const entries = this.byProject.get(notice.projectId);
    if (!entries) return;
    for (const entry of [...entries]) if (concerns(entry.interest, notice)) this.call(entry, { type: "change", notice });
  }

  private broadcast(signal: ListenerSignal): void {
    for (const entries of this.byProject.values()) for (const entry of [...entries]) this.call(entry, signal);
  }

  private call(entry: Entry, signal: ListenerSignal): void {
    try {
      entry.notify(signal);
    } catch (error) {
      this.log(`a subscriber failed: ${(error as Error).message}`);
    }
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.closed) {
      const started = await this.listenOnce();
      if (this.closed) break;
      // A connection that worked starts the next round of waiting from the shortest delay.
      if (started) attempt = 0;
      const delay = backoffDelay(attempt++, this.backoff);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = null;
    }
  }

  /** One connection's life: connect, LISTEN, deliver until it drops. True when it got as far as listening. */
  private async listenOnce(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true, application_name: this.options.applicationName ?? "shipcheck-listener" });
    let drop!: () => void;
    const dropped = new Promise<void>((resolve) => (drop = resolve));
    this.dropCurrent = drop;
    client.on("error", (error) => {
      if (!this.closed) this.log(`listener connection failed: ${error.message}`);
      drop();
    });
    client.on("end", drop);
    client.on("notification", (message) => {
      if (message.channel !== this.options.channel) return;
      const notice = decodeNotice(message.payload);
      if (notice) this.deliver(notice);
    });
    let listened = false;
    let ping: NodeJS.Timeout | undefined;
    try {
      await Promise.race([client.connect().then(() => client.query(`LISTEN ${quoteIdent(this.options.channel)}`)), dropped.then(() => Promise.reject(new Error("dropped while connecting")))]);
      if (this.closed) return true;
      listened = true;
      this.listening = true;
      this.connections++;
      // Anything committed while nobody listened (or before the first LISTEN) went unannounced.
      this.broadcast({ type: "resync" });
      ping = setInterval(() => {
        const timeout = setTimeout(() => (this.log("listener connection stopped answering"), drop()), Math.min(10_000, this.pingMs));
        client.query("SELECT 1").then(
          () => clearTimeout(timeout),
          () => (clearTimeout(timeout), drop()),
        );
      }, this.pingMs);
      ping.unref();
      await dropped;
    } catch (error) {
      if (!this.closed) this.log(`could not listen for changes: ${(error as Error).message}`);
    } finally {
      clearInterval(ping);
      this.listening = false;
      this.dropCurrent = null;
      client.removeAllListeners("notification");
      // The socket may be dead already; ending must not throw or wait on it.
      client.on("error", () => {});
      void client.end().catch(() => {});
      if (listened && !this.closed) this.broadcast({ type: "lost" });
    }
    return listened;
  }
}
