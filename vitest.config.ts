import path from "node:path";
import { defineConfig } from "vitest/config";

// `server-only` throws outside Next's server bundle; the tests load use cases as the server does.
const alias = {
  "@": path.resolve(import.meta.dirname),
  "server-only": path.resolve(import.meta.dirname, "tests/server-only-stub.ts"),
};

// Two tiers: unit tests are pure and fast; integration tests talk to a real Postgres
// (the embedded one, started once by the global setup) and to the HTTPS emulator.
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["{lib,app,cli,components}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["{lib,app,cli,components,tests}/**/*.int.test.ts"],
          environment: "node",
          globalSetup: ["./tests/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
    ],
  },
});
