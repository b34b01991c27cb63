import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { auditSignIn } from "@/lib/auth/sign-in-audit";
import { clientAddress, normalizeEmail, signInLock } from "@/lib/auth/throttle";

const handler = NextAuth(authOptions);

type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * A password sign-in for a locked account or address is answered 429 with the lock's message
 * and Retry-After, without checking the password. The body keeps next-auth's shape (`url` with
 * `error`), so next-auth's client reports the message.
 */
async function POST(request: Request, context: Context): Promise<Response> {
  if (new URL(request.url).pathname.endsWith("/callback/credentials")) {
    const form = await request.clone().formData().catch(() => null);
    const email = normalizeEmail(form?.get("email"));
    const address = clientAddress(request.headers);
    const lock = await signInLock(email, address);
    if (lock) {
      await auditSignIn({ email, address, outcome: "failed", reason: "locked" });
      const origin = process.env.NEXTAUTH_URL ? new URL(process.env.NEXTAUTH_URL).origin : new URL(request.url).origin;
      return Response.json(
        { url: `${origin}/signin?error=${encodeURIComponent(lock.message)}`, error: "sign_in_locked", message: lock.message, retryAfter: lock.retryAfter },
        { status: 429, headers: { "retry-after": String(lock.retryAfter), "cache-control": "no-store" } },
      );
    }
  }
  return handler(request, context);
}

export { handler as GET, POST };
