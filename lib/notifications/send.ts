// Sending one delivery once: a signed POST to a webhook endpoint, or an email over SMTP. Every try
// ends in an outcome to record (the response code and the start of the reply, or the error).
import nodemailer, { type Transporter } from "nodemailer";
import { emailMessage, headline, slackPayload, type Notification } from "./message";
import { webhookHeaders } from "./signing";

export type SendOutcome = { ok: boolean; statusCode: number | null; response: string | null; error: string | null };

const EXCERPT = 500;
const timeoutMs = () => Number(process.env.SHIPCHECK_NOTIFY_TIMEOUT_MS) || 10_000;

/** The notification back from its Standard Webhooks payload, for the other formats. */
export function notificationOf(payload: { type: string; data: Omit<Notification, "type"> }): Notification {
  return { ...payload.data, type: payload.type as Notification["type"] };
}

export async function sendWebhook(endpoint: { url: string; format: string; secret: string }, messageId: string, payload: { type: string; data: Omit<Notification, "type"> }): Promise<SendOutcome> {
  const body = JSON.stringify(endpoint.format === "slack" ? slackPayload(notificationOf(payload)) : payload);
  try {
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Shipcheck-Webhooks/1", ...webhookHeaders(endpoint.secret, messageId, body) },
      body,
      // A redirect is not followed: the endpoint named is the one that gets the payload.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs()),
    });
    const text = await readExcerpt(response);
    return { ok: response.status >= 200 && response.status < 300, statusCode: response.status, response: text, error: null };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === "TimeoutError" ? `no answer within ${timeoutMs()} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, statusCode: null, response: null, error: String(why).slice(0, EXCERPT) };
  }
}

/** Only the start of the reply is kept; a huge or endless body is not read to its end. */
async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT * 4) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString("utf8").slice(0, EXCERPT);
}

const globalForMail = globalThis as unknown as { shipcheckMailer?: { url: string; transport: Transporter } };

function mailer(url: string): Transporter {
  if (globalForMail.shipcheckMailer?.url !== url) {
    globalForMail.shipcheckMailer = { url, transport: nodemailer.createTransport(url, { connectionTimeout: timeoutMs(), greetingTimeout: timeoutMs(), socketTimeout: timeoutMs() }) };
  }
  return globalForMail.shipcheckMailer.transport;
}

export async function sendEmail(recipient: string, payload: { type: string; data: Omit<Notification, "type"> }): Promise<SendOutcome> {
  const url = process.env.SHIPCHECK_SMTP_URL;
  if (!url) return { ok: false, statusCode: null, response: null, error: "SHIPCHECK_SMTP_URL is not set" };
  const notification = notificationOf(payload);
  const message = emailMessage(notification);
  try {
    const info = await mailer(url).sendMail({
      from: process.env.SHIPCHECK_SMTP_FROM || "Shipcheck <shipcheck@localhost>",
      to: recipient,
      subject: message.subject,
      text: message.text,
      headers: { "X-Shipcheck-Notification": notification.type },
    });
    const code = Number(/^(\d{3})/.exec(info.response ?? "")?.[1]) || null;
    return { ok: info.rejected.length === 0, statusCode: code, response: (info.response ?? "").slice(0, EXCERPT), error: info.rejected.length ? `rejected: ${headline(notification)}` : null };
  } catch (error) {
    const e = error as Error & { responseCode?: number; response?: string };
    return { ok: false, statusCode: e.responseCode ?? null, response: e.response?.slice(0, EXCERPT) ?? null, error: e.message.slice(0, EXCERPT) };
  }
}
