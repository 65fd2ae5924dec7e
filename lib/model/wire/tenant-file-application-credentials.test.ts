import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENTRA_IDS as ids, withEntraSection } from "@/lib/emulator/test-fixtures/entra-section";
import { smallTenantPath } from "@/lib/emulator/test-support";
import { APPLICATION_CREDENTIALS_SOURCE } from "@/lib/model/directory";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
import { modelFromRecords, modelToRecords } from "@/lib/model/records";
import { parseTenantFile, validateTenantFile } from "@/lib/model/wire/tenant-file";

// entra.applications[].federatedIdentityCredentials: Graph's federatedIdentityCredential
// (learn.microsoft.com/graph/api/resources/federatedidentitycredential): `name` URL friendly, at most 120
// characters, an alternate key; "This field can only accept a single value" (audiences); "The combination
// of the values of issuer and subject must be unique within the app"; at most 20 per application
// (graph/api/application-post-federatedidentitycredentials, "Maximum of 20 objects can be added to an application").

const ISSUER = "https://westeurope.oic.prod-aks.azure.com/t/aks-1/";
type Credential = Record<string, unknown>;
type Json = { entra: { applications: { federatedIdentityCredentials?: Credential[] }[] } };

const credential = (name: string, subject: string): Credential => ({
  name,
  issuer: ISSUER,
  subject,
  audiences: ["api://AzureADTokenExchange"],
});

function tenantJson(credentials: Credential[]): Json {
  const tenant = withEntraSection(parseTenantFile(JSON.parse(readFileSync(smallTenantPath, "utf8"))));
  const json = JSON.parse(JSON.stringify(tenant)) as Json;
  json.entra.applications[0].federatedIdentityCredentials = credentials;
  return json;
}

const errorsOf = (input: unknown) =>
  validateTenantFile(input).errors.map((error) => `${error.path}: ${error.message}`);
const warningsOf = (input: unknown) =>
  validateTenantFile(input).warnings.map((warning) => `${warning.path}: ${warning.message}`);
const at = "$.entra.applications[0].federatedIdentityCredentials";
/** a message that starts with `prefix` (a JSON path has regular-expression characters) */
const startingWith = (prefix: string) =>
  expect.stringMatching(new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));

describe("tenant file: an application's federated identity credentials", () => {
  it("accepts exact and flexible credentials, and reads them into the model as Graph v1.0 returns them", () => {
    const input = tenantJson([
      credential("aks-1-deployer", "system:serviceaccount:default:deployer"),
      {
        name: "any-ci",
        issuer: ISSUER,
        claimsMatchingExpression: {
          value: "claims['sub'] matches 'system:serviceaccount:ci:*'",
          languageVersion: 1,
        },
        audiences: ["api://AzureADTokenExchange"],
      },
    ]);
    expect(errorsOf(input)).toEqual([]);
    const model = modelFromTenantFile(parseTenantFile(input));
    expect(model.coverage[APPLICATION_CREDENTIALS_SOURCE]).toEqual({ status: "complete" });
    expect(
      (model.applicationFederatedCredentials ?? []).map((entry) => [
        entry.appId,
        entry.name,
        entry.subject,
        entry.claimsMatchingExpression,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [ids.ciDeployerAppId, "aks-1-deployer", "system:serviceaccount:default:deployer", null],
        // v1.0 returns no expression: matched as unknown (docs/tenant-file.md)
        [ids.ciDeployerAppId, "any-ci", "", null],
      ]),
    );
    // Stored and read back as records, unchanged
    const records = JSON.parse(JSON.stringify(modelToRecords(model)));
    expect(modelFromRecords(model.tenantId, records, model.coverage).applicationFederatedCredentials).toEqual(
      model.applicationFederatedCredentials,
    );
  });

  it("names the JSON path of malformed credentials", () => {
    const input = tenantJson([
      { ...credential("has space", "a"), audiences: ["api://AzureADTokenExchange", "other"] },
      {
        ...credential("both", "b"),
        claimsMatchingExpression: { value: "claims['sub'] eq 'x'", languageVersion: 1 },
      },
      { name: "no-issuer", subject: "c", audiences: ["api://AzureADTokenExchange"] },
    ]);
    expect(errorsOf(input)).toEqual(
      expect.arrayContaining([
        startingWith(`${at}[0].name: must be URL friendly`),
        startingWith(`${at}[0].audiences: must list exactly one audience`),
        startingWith(`${at}[1].subject: must have either subject or claimsMatchingExpression`),
        startingWith(`${at}[2].issuer: `),
      ]),
    );
  });

  it("reports duplicate names, duplicate issuer and subject, and more than 20 in an application", () => {
    expect(
      errorsOf(tenantJson([credential("one", "s"), credential("ONE", "t"), credential("two", "s")])),
    ).toEqual([
      `${at}[1].name: duplicate federated credential name "ONE" (first at ${at}[0].name)`,
      `${at}[2].subject: duplicate federated credential issuer and subject (first at ${at}[0].subject)`,
    ]);
    const many = Array.from({ length: 21 }, (_, index) => credential(`c${index}`, `s${index}`));
    expect(errorsOf(tenantJson(many))).toEqual([
      `${at}: at most 20 federated identity credentials per application (Entra refuses the 21st)`,
    ]);
  });

  it("warns about a credential with neither subject nor expression (Graph v1.0's flexible credential)", () => {
    const input = tenantJson([
      { name: "flex", issuer: ISSUER, subject: null, audiences: ["api://AzureADTokenExchange"] },
    ]);
    expect(errorsOf(input)).toEqual([]);
    expect(warningsOf(input)).toContainEqual(
      startingWith(`${at}[0]: neither subject nor claimsMatchingExpression`),
    );
  });
});
