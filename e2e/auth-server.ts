/**
 * The server under test for the sign-in browser tests (playwright.auth.config.ts): an Entra ID emulator
 * serving the demo tenant — with the app roles of lib/auth/demo-sign-in.ts — and the production app
 * (`scripts/start.mjs`) configured to sign in against it. Stops both on SIGTERM/SIGINT.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import path from "node:path";
import { DEMO_SIGN_IN, demoSignInEnv } from "@/lib/auth/demo-sign-in";
import { loadDemoTenant } from "@/lib/emulator/demo";
import { startEmulator } from "@/lib/emulator/server";

const port = Number(process.env.E2E_AUTH_PORT ?? 3108);
const dataDir = path.resolve(process.env.E2E_AUTH_DATA_DIR ?? ".data/e2e-auth");
const publicUrl = `http://127.0.0.1:${port}`;

async function main() {
  rmSync(dataDir, { recursive: true, force: true });
  const emulator = await startEmulator({
    tenant: await loadDemoTenant(),
    dataDir: path.join(dataDir, "sign-in-emulator"),
    signInAppRoles: DEMO_SIGN_IN.appRoles,
  });
  console.log(`[e2e-auth] Entra ID emulator at ${emulator.url}`);
  const app: ChildProcess = spawn(process.execPath, [path.join("scripts", "start.mjs")], {
    stdio: "inherit",
    env: {
      ...process.env,
      ...demoSignInEnv(emulator, publicUrl, randomBytes(48).toString("base64")),
      PORT: String(port),
      HOST: "127.0.0.1",
      ATLAS_DATA_DIR: dataDir,
    },
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (app.exitCode === null) {
      app.kill("SIGTERM");
      await new Promise((resolve) => app.once("exit", resolve));
    }
    await emulator.close();
    process.exit(code);
  };
  app.once("exit", (code) => void stop(code ?? 1));
  process.on("SIGTERM", () => void stop(0));
  process.on("SIGINT", () => void stop(0));
}

main().catch((error: unknown) => {
  console.error(`[e2e-auth] could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
