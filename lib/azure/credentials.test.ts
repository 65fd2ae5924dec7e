import { AzureAuthorityHosts } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { isMicrosoftAuthority } from "./credentials";

describe("isMicrosoftAuthority", () => {
  it("knows Microsoft's public and sovereign clouds, so MSAL may discover them", () => {
    // @azure/identity's AzureAuthorityHosts, and the aliases in @azure/msal-common's built-in
    // instance-discovery metadata (src/authority/AuthorityMetadata.ts).
    for (const host of Object.values(AzureAuthorityHosts))
      expect(isMicrosoftAuthority(host), host).toBe(true);
    for (const host of [
      "https://login.partner.microsoftonline.cn",
      "https://login.usgovcloudapi.net/",
      "https://LOGIN.MICROSOFTONLINE.COM",
    ])
      expect(isMicrosoftAuthority(host), host).toBe(true);
    expect(isMicrosoftAuthority(undefined)).toBe(true); // the default is the public cloud
  });

  it("treats every other authority as one MSAL must not ask login.microsoftonline.com about", () => {
    for (const host of [
      "https://adfs.local.azurestack.external/adfs", // Azure Stack Hub with AD FS
      "https://127.0.0.1:8443", // the emulator
      "https://login.microsoftonline.com.evil.example",
      "not a url",
    ])
      expect(isMicrosoftAuthority(host), host).toBe(false);
  });
});
