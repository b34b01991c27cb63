import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/layout/site-header";
import { currentUserForPage } from "@/lib/auth/session";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: { default: "Shipcheck", template: "%s · Shipcheck" },
  description: "Release checklists and deploy gates",
  icons: { icon: "/favicon.svg" },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUserForPage();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>
          {/* First in the Tab order, shown when focused: past the header to the page itself. */}
          <a href="#main" className="sr-only rounded bg-white px-3 py-2 text-sm font-medium text-slate-900 shadow focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:z-50">
            Skip to main content
          </a>
          <SiteHeader email={user?.user.email ?? null} />
          <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 outline-none">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
