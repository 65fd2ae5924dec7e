import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { azErrorCode, azErrorMessage } from "./az-cli";
import { itemsOfKubectlList, withToken } from "./kubectl-reader";

// What the collector makes of real az 2.45 and kubectl 1.32 output (recorded against the emulator).

describe("az error output", () => {
  it.each([
    [
      // az rest against Graph with a token the API refuses
      'ERROR: Unauthorized({"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure.","innerError":{"date":"2026-12-03T16:53:52"}}})',
      "InvalidAuthenticationToken",
      "Access token validation failure.",
    ],
    [
      // az aks / az role commands print the service's code in parentheses
      "ERROR: (InvalidAuthenticationToken) The access token is invalid.\nCode: InvalidAuthenticationToken\nMessage: The access token is invalid.",
      "InvalidAuthenticationToken",
      "(InvalidAuthenticationToken) The access token is invalid.",
    ],
    [
      // MSAL's instance discovery failing (no answer for login.microsoftonline.com)
      "WARNING: something\nERROR: 400 Client Error: Bad Request for url: https://login.microsoftonline.com/common/discovery/instance?api-version=1.1",
      "BadRequest",
      "400 Client Error: Bad Request for url: https://login.microsoftonline.com/common/discovery/instance?api-version=1.1",
    ],
    [
      "ERROR: Please run 'az login' to setup account.",
      "AzCliError",
      "Please run 'az login' to setup account.",
    ],
  ])("%s", (stderr, code, message) => {
    expect(azErrorCode(stderr)).toBe(code);
    expect(azErrorMessage(stderr)).toBe(message);
  });
});

describe("kubectl", () => {
  it("keeps list items without managedFields", () => {
    const stdout = JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "ClusterRoleBinding",
          metadata: { name: "x", managedFields: [{ manager: "kubectl" }] },
          roleRef: { kind: "ClusterRole", name: "view", apiGroup: "rbac.authorization.k8s.io" },
        },
      ],
    });
    expect(itemsOfKubectlList(stdout)).toEqual([
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "x" },
        roleRef: { kind: "ClusterRole", name: "view", apiGroup: "rbac.authorization.k8s.io" },
      },
    ]);
  });

  it("replaces exec and the legacy azure auth-provider with the token (kubectl refuses the provider outright)", () => {
    const kubeconfig = `apiVersion: v1
clusters:
- cluster: { server: "https://127.0.0.1:1/k8s/aks-dev-1" }
  name: aks-dev-1
users:
- name: clusterUser_rg_aks-dev-1
  user:
    auth-provider:
      name: azure
      config: { apiserver-id: "x", client-id: "y", tenant-id: "z" }
- name: other
  user:
    exec: { command: kubelogin, args: [get-token] }
`;
    const result = parse(withToken(kubeconfig, "t0ken")) as {
      users: { user: unknown }[];
      clusters: unknown[];
    };
    expect(result.users.map((u) => u.user)).toEqual([{ token: "t0ken" }, { token: "t0ken" }]);
    expect(result.clusters).toHaveLength(1);
  });
});
