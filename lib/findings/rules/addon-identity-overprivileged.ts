import { CONTROLS } from "@/lib/findings/controls";
import { excessiveAssignments } from "@/lib/findings/identity-privileges";
import {
  allAssignmentsComplete,
  type FindingRule,
  findingFor,
  findingsPerCluster,
  notRead,
} from "@/lib/findings/rule";
import type { Finding } from "@/lib/findings/types";

export const addonIdentityOverprivileged: FindingRule = {
  id: "addon-identity-overprivileged",
  title: "An add-on identity holds broad write roles",
  severity: "high",
  controls: [CONTROLS.guideNodeIdentities],
  crossCluster: {
    principals: (model) =>
      model.clusters.flatMap((c) =>
        c.addons.flatMap((addon) =>
          addon.enabled && addon.identity?.objectId ? [addon.identity.objectId] : [],
        ),
      ),
  },
  evaluate(ctx) {
    const { model, index } = ctx;
    return findingsPerCluster(
      this,
      ctx,
      () => ({
        summary:
          "Scope add-on identities to the single resources they manage (a Key Vault, an Application Gateway), with the narrowest role.",
        azCli:
          "az role assignment delete --assignee <addon-identity-object-id> --role <role> --scope <scope>",
      }),
      (cluster, remediation): Finding[] => {
        const addons = cluster.addons.filter((addon) => addon.enabled && addon.identity?.objectId);
        const complete = allAssignmentsComplete(model);
        const findings: Finding[] = [];
        for (const addon of addons) {
          const objectId = addon.identity?.objectId ?? "";
          const subject = {
            kind: "identity",
            id: addon.identity?.resourceId ?? objectId,
            label: `${addon.name} add-on identity`,
          };
          const excessive = excessiveAssignments(index, objectId);
          if (excessive.length > 0) {
            findings.push(
              findingFor(this, cluster, remediation, {
                status: "fail",
                summary: `The ${addon.name} identity holds ${excessive.map((e) => `${e.reason} on ${e.assignment.scope}`).join("; ")}.`,
                objects: [
                  subject,
                  ...excessive.map((e) => ({
                    kind: "roleAssignment",
                    id: e.assignment.id,
                    label: `${e.definition.roleName} on ${e.assignment.scope}`,
                  })),
                ],
                paths: ctx.accessPathsOf(objectId),
              }),
            );
          } else {
            findings.push(
              findingFor(this, cluster, remediation, {
                status: complete ? "pass" : "not-assessed",
                summary: complete
                  ? `The ${addon.name} identity holds no broad write roles.`
                  : notRead("every subscription's role assignments"),
                objects: [subject],
              }),
            );
          }
        }
        if (addons.length === 0) {
          findings.push(
            findingFor(this, cluster, remediation, {
              status: "pass",
              summary: "No enabled add-on runs with its own identity.",
            }),
          );
        }
        return findings;
      },
    );
  },
};
