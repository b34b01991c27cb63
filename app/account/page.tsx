import type { Metadata } from "next";
import { NotificationChoices } from "@/components/account/notification-choices";
import { PasswordForm } from "@/components/account/password-form";
import { SignOutEverywhere } from "@/components/account/sign-out-everywhere";
import { requireUserForPage } from "@/lib/auth/session";
import { getNotificationPreferences } from "@/lib/server/notification-preferences";
import { PASSWORD_MIN_LENGTH } from "@/lib/validation/account";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const principal = await requireUserForPage("/account");
  const { user } = principal;
  const notifications = await getNotificationPreferences(principal);
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Your account</h1>
        <p className="mt-1 break-all text-sm text-slate-600">
          Signed in as <span className="font-medium text-slate-900">{user.email}</span>
          {user.name ? ` (${user.name})` : null}
          {user.isAdmin ? " · instance administrator" : null}
        </p>
      </div>
      <section aria-labelledby="password" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <h2 id="password" className="font-semibold">
          Change password
        </h2>
        <p className="mb-4 mt-1 text-sm text-slate-600">
          Every other browser and device signed in as you is signed out. You stay signed in here.
        </p>
        <PasswordForm minLength={PASSWORD_MIN_LENGTH} />
      </section>
      <section aria-labelledby="notifications" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <h2 id="notifications" className="font-semibold">
          Notifications
        </h2>
        <p className="mb-4 mt-1 text-sm text-slate-600">
          Shipcheck emails the people who can act: for a sign-off, those who may give it; for gates, deploys and rollbacks, release managers and admins. Choose what you get.
        </p>
        <NotificationChoices chosen={notifications.types} />
      </section>
      <section aria-labelledby="sessions" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
        <h2 id="sessions" className="font-semibold">
          Sessions
        </h2>
        <p className="mb-4 mt-1 text-sm text-slate-600">
          Left signed in on a computer you no longer use, or lost a device? Sign out everywhere, this browser included. API tokens are not affected.
        </p>
        <SignOutEverywhere />
      </section>
    </div>
  );
}
