import { describe, expect, it } from "vitest";
import { installRedactingConsole, REDACTED, redact, redactText } from "./redact";

const JWT =
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJvaWQiOiIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwZjQifQ.c2lnbmF0dXJlLWJ5dGVz";

const KUBECONFIG = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
    server: https://aks-1.hcp.westeurope.azmk8s.io:443
  name: aks-1
users:
- name: clusterAdmin_rsg_aks-1
  user:
    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tQUJD
    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLURFRg==
    token: 0123456789abcdef0123456789abcdef
`;

describe("redactText", () => {
  it.each([
    ["Authorization: Bearer abc.def.ghi-secret-token", "abc.def.ghi-secret-token"],
    [`id_token=${JWT}&state=1`, JWT],
    [`token endpoint said ${JWT}`, JWT],
    ["POST /token client_secret=s3cr3t-value&grant_type=authorization_code&code=0.AXYA-code", "s3cr3t-value"],
    ["GET /auth/callback?code=0.AXYA-code-value&state=x", "0.AXYA-code-value"],
    ["cookie: atlas_session=AQabcdef123456; atlas_csrf=zzz", "AQabcdef123456"],
    ['{"refresh_token":"rt-123456","ok":true}', "rt-123456"],
    ['{"clientSecret":"cs-abcdef"}', "cs-abcdef"],
    ["-----BEGIN PRIVATE KEY-----\nMIIEv...\n-----END PRIVATE KEY-----", "MIIEv"],
  ])("%s", (input, secret) => {
    const output = redactText(input);
    expect(output).not.toContain(secret);
    expect(output).toContain(REDACTED);
  });

  it("strips the credentials out of a kubeconfig but keeps its shape", () => {
    const output = redactText(KUBECONFIG);
    expect(output).not.toContain("LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLURFRg==");
    expect(output).not.toContain("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tQUJD");
    expect(output).not.toContain("0123456789abcdef0123456789abcdef");
    expect(output).toContain("server: https://aks-1.hcp.westeurope.azmk8s.io:443");
    expect(output).toContain("client-key-data: [REDACTED]");
  });

  it("leaves ordinary log lines alone", () => {
    const line =
      "[atlas] scan #12 of tenant 00000000-0000-0000-0000-00000000c0de: succeeded in 1200 ms (3 clusters)";
    expect(redactText(line)).toBe(line);
  });
});

describe("redact", () => {
  it("redacts sensitive keys in any spelling, deeply, and inside errors", () => {
    const error = new Error(`token request failed: Bearer ${JWT}`);
    const value = redact({
      headers: { Authorization: "Bearer x", "Set-Cookie": ["a=b"], accept: "application/json" },
      accessToken: "at",
      nested: { client_secret: "cs", kubeconfig: KUBECONFIG, tokenCount: 3 },
      error,
    });
    expect(value.headers.Authorization).toBe(REDACTED);
    expect(value.headers["Set-Cookie"]).toBe(REDACTED);
    expect(value.headers.accept).toBe("application/json");
    expect(value.accessToken).toBe(REDACTED);
    expect(value.nested.client_secret).toBe(REDACTED);
    expect(value.nested.kubeconfig).toBe(REDACTED);
    expect(value.nested.tokenCount).toBe(3);
    expect(value.error.message).not.toContain(JWT);
    expect(value.error.stack).not.toContain(JWT);
    expect(error.message).toContain(JWT); // the original is untouched
  });

  it("keeps an error's class and its own fields, redacted", () => {
    class HttpError extends Error {
      status = 401;
      code = "InvalidAuthenticationToken";
      request = { headers: { authorization: `Bearer ${JWT}` } };
    }
    const copy = redact(new HttpError("denied"));
    expect(copy).toBeInstanceOf(HttpError);
    expect(copy.status).toBe(401);
    expect(copy.code).toBe("InvalidAuthenticationToken");
    expect(copy.request.headers.authorization).toBe(REDACTED);
  });

  it("survives cycles", () => {
    const cyclic: Record<string, unknown> = { name: "x" };
    cyclic.self = cyclic;
    expect(redact(cyclic).self).toBe("[Circular]");
  });
});

describe("installRedactingConsole", () => {
  it("routes every console method through redact, once", () => {
    const lines: unknown[][] = [];
    const fake = {
      log: (...args: unknown[]) => lines.push(args),
      info: (...args: unknown[]) => lines.push(args),
      warn: (...args: unknown[]) => lines.push(args),
      error: (...args: unknown[]) => lines.push(args),
      debug: (...args: unknown[]) => lines.push(args),
      trace: (...args: unknown[]) => lines.push(args),
    } as unknown as Console;
    installRedactingConsole(fake);
    installRedactingConsole(fake);
    fake.error("[atlas] request failed", { authorization: `Bearer ${JWT}` });
    fake.log(`cookie: atlas_session=${JWT}`);
    expect(lines).toEqual([["[atlas] request failed", { authorization: REDACTED }], [`cookie: ${REDACTED}`]]);
  });
});
