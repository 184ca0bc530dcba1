import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its wasm and extensions from its own package folder; bundling breaks those paths.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "proper-lockfile"],
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a 403 for signed-in users lacking a role.
  experimental: { authInterrupts: true },
};

export default nextConfig;
