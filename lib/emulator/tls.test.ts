import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import forge from "node-forge";
import { afterEach, describe, expect, it } from "vitest";
import { prepareEmulatorTls } from "@/lib/emulator/tls";

// Several emulator CAs are often trusted at once on one machine: a developer's CA installed in the system
// store (NODE_EXTRA_CA_CERTS) for `az` or a browser, plus each test emulator's own. OpenSSL looks a
// certificate's issuer up among the trusted CAs by subject name and, with the authority key identifier,
// tells same-named CAs apart (RFC 5280 §4.2.1.1; OpenSSL X509_check_issued → X509_check_akid). When
// every emulator CA had one name and leaf certificates carried no key identifier, the first same-named
// CA was tried and the handshake failed with "certificate signature failure".

const directories: string[] = [];
async function dataDir(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), "atlas-tls-"));
  directories.push(directory);
  return directory;
}
afterEach(async () => {
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

/** A CA as the emulator made them before each had its own name, written where prepareEmulatorTls reuses it. */
async function writeSharedNameCa(directory: string): Promise<string> {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = forge.util.bytesToHex(forge.random.getBytesSync(8)).replace(/^./, "1");
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 3650 * 86_400_000);
  const subject = [
    { name: "commonName", value: "AKS Identity Atlas Emulator CA" },
    { name: "organizationName", value: "AKS Identity Atlas (local emulator)" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  await writeFile(path.join(directory, "ca.pem"), pem);
  await writeFile(path.join(directory, "ca-key.pem"), forge.pki.privateKeyToPem(key), { mode: 0o600 });
  return pem;
}

/** Completes a TLS handshake with a server presenting certPem/keyPem, trusting exactly `trusted`. */
async function handshake(server: { certPem: string; keyPem: string }, trusted: string[]) {
  const listener = createServer({ cert: server.certPem, key: server.keyPem }, (_request, response) => {
    response.end("ok");
  });
  await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
  const { port } = listener.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve) => {
      const socket = tls.connect({ host: "127.0.0.1", port, ca: trusted, servername: "localhost" }, () => {
        resolve("ok");
        socket.end();
      });
      socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  } finally {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

describe("emulator TLS next to other emulator CAs", () => {
  it("gives each CA its own subject name", async () => {
    const first = await prepareEmulatorTls(await dataDir(), ["127.0.0.1"]);
    const second = await prepareEmulatorTls(await dataDir(), ["127.0.0.1"]);
    expect(new X509Certificate(first.caPem).subject).not.toBe(new X509Certificate(second.caPem).subject);
  });

  it("verifies against its own CA whichever other emulator CA is trusted first", async () => {
    const first = await prepareEmulatorTls(await dataDir(), ["127.0.0.1", "localhost"]);
    const second = await prepareEmulatorTls(await dataDir(), ["127.0.0.1", "localhost"]);
    expect(await handshake(second, [first.caPem, second.caPem])).toBe("ok");
    expect(await handshake(first, [second.caPem, first.caPem])).toBe("ok");
  });

  it("tells a reused CA from before names were unique apart from another of the same name", async () => {
    const other = await writeSharedNameCa(await dataDir());
    const directory = await dataDir();
    const reused = await writeSharedNameCa(directory);
    const emulator = await prepareEmulatorTls(directory, ["127.0.0.1", "localhost"]);
    expect(emulator.caPem).toBe(reused);
    expect(await handshake(emulator, [other, emulator.caPem])).toBe("ok");
  });
});
