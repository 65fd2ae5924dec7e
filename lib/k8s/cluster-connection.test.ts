import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { AKS_SERVER_APP_ID, KubeconfigError, parseKubeconfig } from "@/lib/k8s/cluster-connection";

function kubeconfig(user: Record<string, unknown>, server = "https://aks-1.hcp.example:443") {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "aks-1", cluster: { server, "certificate-authority-data": "Q0E=" } }],
    contexts: [{ name: "aks-1", context: { cluster: "aks-1", user: "clusterUser_rg_aks-1" } }],
    "current-context": "aks-1",
    users: [{ name: "clusterUser_rg_aks-1", user }],
  });
}

describe("parseKubeconfig", () => {
  it("recognises an AKS exec (kubelogin) user and its server application", () => {
    const parsed = parseKubeconfig(
      kubeconfig({
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "kubelogin",
          args: ["get-token", "--server-id", AKS_SERVER_APP_ID, "--login", "devicecode"],
        },
      }),
    );
    expect(parsed).toMatchObject({
      server: "https://aks-1.hcp.example:443",
      userKind: "exec",
      serverApplicationId: AKS_SERVER_APP_ID,
    });
  });

  it("reads the legacy azure auth-provider's server application", () => {
    const parsed = parseKubeconfig(
      kubeconfig({
        "auth-provider": {
          name: "azure",
          config: { "apiserver-id": "11111111-0000-0000-0000-000000000001" },
        },
      }),
    );
    expect(parsed).toMatchObject({
      userKind: "auth-provider",
      serverApplicationId: "11111111-0000-0000-0000-000000000001",
    });
  });

  it("recognises static tokens and client certificates", () => {
    expect(parseKubeconfig(kubeconfig({ token: "abc" })).userKind).toBe("token");
    expect(
      parseKubeconfig(kubeconfig({ "client-certificate-data": "Y2VydA==", "client-key-data": "a2V5" }))
        .userKind,
    ).toBe("certificate");
  });

  it("refuses plain-HTTP servers and kubeconfigs without a cluster", () => {
    expect(() => parseKubeconfig(kubeconfig({ token: "abc" }, "http://aks-1:80"))).toThrow(KubeconfigError);
    expect(() => parseKubeconfig("apiVersion: v1\nkind: Config\n")).toThrow(KubeconfigError);
  });
});
