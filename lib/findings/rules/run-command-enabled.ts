import { CONTROLS } from "@/lib/findings/controls";
import { azTarget, type FindingRule, oneFindingPerCluster } from "@/lib/findings/rule";

export const runCommandEnabled: FindingRule = {
  id: "run-command-enabled",
  title: "Run command (command invoke) is enabled",
  severity: "medium",
  controls: [CONTROLS.policyCommandInvoke],
  evaluate(ctx) {
    const { access } = ctx;
    return oneFindingPerCluster(
      this,
      ctx,
      (cluster) => ({
        summary:
          "Disable run command: it runs kubectl in the cluster on behalf of anyone holding runCommand/action.",
        azCli: `az aks update ${azTarget(cluster)} --disable-run-command`,
        terraform: "run_command_enabled = false",
      }),
      (cluster) => {
        if (cluster.runCommandDisabled) {
          return { status: "pass", summary: "apiServerAccessProfile.disableRunCommand is true." };
        }
        const holders = (access.get(cluster.id)?.principals ?? []).filter((entry) =>
          entry.escalations.some((escalation) => escalation.to === "run-command"),
        );
        return {
          status: "fail",
          summary: `Run command is enabled; ${holders.length} principal(s) hold runCommand/action.`,
          objects: [
            { kind: "cluster", id: cluster.id, label: cluster.name },
            ...holders.map((entry) => ({
              kind: "principal",
              id: entry.principal.id,
              label: entry.principal.displayName,
            })),
          ],
          paths: holders.flatMap((entry) =>
            entry.escalations.filter((e) => e.to === "run-command").map((e) => e.path),
          ),
        };
      },
    );
  },
};
