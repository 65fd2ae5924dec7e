import { describe, expect, it } from "vitest";
import { AKS_SERVER_APP_ID, TokenService } from "@/lib/emulator/tokens";

describe("TokenService user claims", () => {
  const issue = async (userPrincipalName: string) => {
    const tokens = await TokenService.create("https://login.emulator.test/tenant-1/v2.0", "tenant-1");
    const { claims } = await tokens.issue({
      audience: AKS_SERVER_APP_ID,
      principalId: "00000000-0000-0000-0000-0000000000f1",
      clientId: "00000000-0000-0000-0000-0000000000c1",
      kind: "user",
      groups: [],
      userPrincipalName,
    });
    return claims;
  };

  it("gives a member's token its UPN as `upn`", async () => {
    expect(await issue("leonard@contoso.example")).toMatchObject({
      upn: "leonard@contoso.example",
      preferred_username: "leonard@contoso.example",
    });
  });

  it("leaves `upn` out of a guest's token (#EXT# UPN), so AKS names the guest by object id", async () => {
    // learn.microsoft.com/entra/identity-platform/optional-claims-reference: a guest's `upn` comes
    // only with include_externally_authenticated_upn; AKS/kubernetes-rbac-entra-id binds users of
    // another tenant by objectId.
    const claims = await issue("gail_fabrikam.example#EXT#@contoso.onmicrosoft.com");
    expect(claims.upn).toBeUndefined();
    expect(claims.preferred_username).toBe("gail_fabrikam.example#EXT#@contoso.onmicrosoft.com");
    expect(claims.oid).toBe("00000000-0000-0000-0000-0000000000f1");
  });
});
