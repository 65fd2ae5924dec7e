import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import forge from "node-forge";

/** The emulator's private PKI: a CA that clients are told to trust, and the server certificate it signs. */
export type EmulatorTls = {
  caPem: string;
  caPath: string;
  certPem: string;
  keyPem: string;
};

const CA_FILE = "ca.pem";
const CA_KEY_FILE = "ca-key.pem";
const SERVER_CERT_FILE = "server.pem";
const SERVER_KEY_FILE = "server-key.pem";
const DAY_MS = 24 * 60 * 60 * 1000;

function newRsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  // node:crypto generates in native code; forge's pure-JS generator takes seconds on a busy machine.
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function serialNumber(): string {
  // A positive serial: clear the top bit so DER does not read it as negative.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString("hex");
}

function createCa(): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const keys = newRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 3650 * DAY_MS);
  // Each CA gets its own name (as mkcert's do): TLS clients pick a certificate's issuer among the trusted
  // CAs by subject name, so two emulator CAs trusted at once under one name (a dev CA installed in the
  // system store, plus a test emulator's) made the wrong one be tried: "certificate signature failure".
  const subject = [
    { name: "commonName", value: `AKS Identity Atlas Emulator CA ${cert.serialNumber.slice(0, 12)}` },
    { name: "organizationName", value: "AKS Identity Atlas (local emulator)" },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

/** The CA's subjectKeyIdentifier (as bytes): the one it carries, else derived as forge derives it. */
function keyIdentifierOf(cert: forge.pki.Certificate): string {
  const extension = cert.getExtension("subjectKeyIdentifier") as
    | { subjectKeyIdentifier?: string }
    | undefined;
  return extension?.subjectKeyIdentifier
    ? forge.util.hexToBytes(extension.subjectKeyIdentifier)
    : cert.generateSubjectKeyIdentifier().getBytes();
}

function createServerCertificate(
  ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey },
  hosts: string[],
): { certPem: string; keyPem: string } {
  const keys = newRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 365 * DAY_MS);
  cert.setSubject([{ name: "commonName", value: hosts[0] ?? "localhost" }]);
  cert.setIssuer(ca.cert.subject.attributes);
  const altNames = hosts.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }));
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames },
    // RFC 5280 §4.2.1.1: the issuing CA's key identifier, which chain building matches against each
    // candidate's subjectKeyIdentifier — so a CA from before names were unique is still told apart.
    { name: "authorityKeyIdentifier", keyIdentifier: keyIdentifierOf(ca.cert) },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

async function readReusableCa(
  dataDir: string,
): Promise<{ cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | undefined> {
  try {
    const [certPem, keyPem] = await Promise.all([
      readFile(path.join(dataDir, CA_FILE), "utf8"),
      readFile(path.join(dataDir, CA_KEY_FILE), "utf8"),
    ]);
    const cert = forge.pki.certificateFromPem(certPem);
    const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
    if (cert.validity.notAfter.getTime() - Date.now() < 30 * DAY_MS) return undefined;
    return { cert, key };
  } catch {
    return undefined;
  }
}

/**
 * Creates (or reuses, so that a CA someone already trusts keeps working across restarts) the CA in
 * `dataDir`, and a fresh server certificate for `hosts`. Nothing is written outside `dataDir`.
 */
export async function prepareEmulatorTls(dataDir: string, hosts: string[]): Promise<EmulatorTls> {
  await mkdir(dataDir, { recursive: true });
  const existing = await readReusableCa(dataDir);
  const ca = existing ?? createCa();
  const caPem = forge.pki.certificateToPem(ca.cert);
  const caPath = path.join(dataDir, CA_FILE);
  if (!existing) {
    await writeFile(caPath, caPem);
    await writeFile(path.join(dataDir, CA_KEY_FILE), forge.pki.privateKeyToPem(ca.key), { mode: 0o600 });
  }
  const uniqueHosts = [...new Set(hosts)];
  const server = createServerCertificate(ca, uniqueHosts);
  await writeFile(path.join(dataDir, SERVER_CERT_FILE), server.certPem);
  await writeFile(path.join(dataDir, SERVER_KEY_FILE), server.keyPem, { mode: 0o600 });
  return { caPem, caPath, certPem: server.certPem, keyPem: server.keyPem };
}

/**
 * A certificate for other `hosts`, signed by the CA in `dataDir` (created there if absent), without
 * touching the emulator's own server certificate. The instance-discovery proxy presents one for
 * login.microsoftonline.com (lib/emulator/instance-discovery-proxy.ts).
 */
export async function issueCertificate(
  dataDir: string,
  hosts: string[],
): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  await mkdir(dataDir, { recursive: true });
  let ca = await readReusableCa(dataDir);
  if (!ca) {
    await prepareEmulatorTls(dataDir, ["127.0.0.1", "localhost", "::1"]);
    ca = await readReusableCa(dataDir);
    if (!ca) throw new Error(`the emulator CA in ${dataDir} could not be created`);
  }
  return { caPem: forge.pki.certificateToPem(ca.cert), ...createServerCertificate(ca, [...new Set(hosts)]) };
}
