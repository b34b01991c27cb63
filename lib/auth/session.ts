// Session helpers for pages, server actions and route handlers.
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { AppError } from "@/lib/errors";
import { pageData } from "@/lib/http/page";
import { authOptions } from "./options";
import { loadUserPrincipal, type UserPrincipal } from "./principal";

export async function currentUser(): Promise<UserPrincipal | null> {
  const session = await getServerSession(authOptions);
  const user = session?.user as { id?: string; sv?: number } | undefined;
  // The cookie's session version must be the user's current one: sign-out raised it otherwise.
  return user?.id ? loadUserPrincipal(user.id, { sessionVersion: user.sv ?? 0 }) : null;
}

/** For pages and the layout: every page meets the database here first (see pageData). */
export async function currentUserForPage(): Promise<UserPrincipal | null> {
  return pageData(currentUser());
}

/** For pages: signed-out visitors go to the sign-in page and come back afterwards. */
export async function requireUserForPage(returnTo: string): Promise<UserPrincipal> {
  const user = await currentUserForPage();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}

/** For server actions: signed out is an error the form shows. */
export async function requireUser(): Promise<UserPrincipal> {
  const user = await currentUser();
  if (!user) throw new AppError("unauthorized", "sign in first");
  return user;
}
