// next-auth configuration: email + password (argon2id), JWT sessions carrying only the user id
// and the user's session version. Roles are never put in the token; they are read from the
// database on every request, and so is the session version: a cookie whose version is not the
// user's current one is signed out (lib/auth/session.ts). Cookies are `Secure` and `__Host-`
// prefixed when the public URL is HTTPS (lib/auth/cookies.ts).
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { publicUrlIsHttps, SESSION_MAX_AGE_SECONDS, sessionCookies } from "./cookies";
import { endSessions } from "./end-sessions";
import { signInWithPassword } from "./sign-in";

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  useSecureCookies: publicUrlIsHttps(),
  cookies: sessionCookies(publicUrlIsHttps()),
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize(raw, req) {
        return signInWithPassword(raw, req.headers);
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) Object.assign(session.user, { id: token.sub, sv: typeof token.sv === "number" ? token.sv : 0 });
      return session;
    },
  },
  events: {
    // Signing out ends the session on the server too: the old cookie stops working everywhere.
    async signOut({ token }) {
      if (token?.sub) await endSessions(token.sub, typeof token.sv === "number" ? token.sv : 0);
    },
  },
};
