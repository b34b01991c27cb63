// A real SMTP server (npm smtp-server) on the port the app under test sends mail to
// (SHIPCHECK_SMTP_URL): it keeps every message with its envelope recipients, as sent.
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { to: string[]; raw: string };

export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        this.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });

  /** Listens where the app sends: the port of SHIPCHECK_SMTP_URL. */
  start(): Promise<void> {
    const port = Number(new URL(process.env.SHIPCHECK_SMTP_URL!).port);
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A message's body with quoted-printable soft breaks and escapes undone (the mails are ASCII). */
export function decodedText(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
