import type { NextConfig } from "next";
import { ACTION_BODY_LIMIT_BYTES } from "./lib/http/action-body-limit";

const nextConfig: NextConfig = {
  // PGlite loads its wasm and extensions from its own package folder; bundling breaks those paths.
  // jsdom (the DOM DOMPurify sanitises footers and SVG logos in) reads its own files at run time,
  // and fs-ext-extra-prebuilt (the folder lock's flock) finds its native binary beside itself.
  // rate-limiter-flexible loads drizzle-orm with a computed import() that bundlers cannot follow.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@node-rs/argon2",
    "fs-ext-extra-prebuilt",
    "jsdom",
    "rate-limiter-flexible",
  ],
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a 403 for signed-in users lacking a role.
  experimental: {
    authInterrupts: true,
    // Logo and favicon uploads go through server actions (see lib/http/action-body-limit.ts).
    serverActions: { bodySizeLimit: ACTION_BODY_LIMIT_BYTES },
  },
};

export default nextConfig;
