import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // PGlite loads its wasm and extensions from its own package folder; bundling breaks those paths.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "proper-lockfile"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
