import { CONTROLS } from "@/lib/findings/controls";
import { azTarget, type FindingRule, oneFindingPerCluster } from "@/lib/findings/rule";

export const controlPlaneIdentityNotUserAssigned: FindingRule = {
  id: "control-plane-identity-not-user-assigned",
  title: "The control-plane identity is not user-assigned",
  severity: "low",
  controls: [CONTROLS.guideUserAssignedControlPlane],
  evaluate(ctx) {
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Use a user-assigned identity for the control plane, so its role assignments (DNS zone, subnet) can be granted before the cluster exists and outlive it.",
        azCli: `az aks update ${azTarget(cluster)} --enable-managed-identity --assign-identity <user-assigned-identity-resource-id>`,
        terraform:
          'identity { type = "UserAssigned", identity_ids = [azurerm_user_assigned_identity.control_plane.id] }',
      }),
      (cluster) => {
        const identity = cluster.controlPlaneIdentity;
        if (identity.type === "UserAssigned") {
          return {
            status: "pass",
            summary: "The control plane uses a user-assigned identity.",
            objects: identity.resourceId
              ? [
                  {
                    kind: "identity",
                    id: identity.resourceId,
                    label: identity.resourceId.split("/").pop() ?? identity.resourceId,
                  },
                ]
              : undefined,
          };
        }
        // No identity.type and no service principal but "msi": the identity is not known, so no verdict
        // (as control-plane-not-managed-identity, after Azure Policy da6e2401's servicePrincipalProfile test).
        if (identity.type === "None") {
          return {
            status: "not-assessed",
            summary:
              "Not assessed: the cluster reports no managed identity (identity.type) and no service principal, so which identity the control plane uses is unknown.",
          };
        }
        return {
          status: "fail",
          summary: `The control plane uses ${identity.type === "SystemAssigned" ? "a system-assigned identity" : "a service principal"}.`,
        };
      },
    );
  },
};
