import { CONTROLS } from "@/lib/findings/controls";
import {
  azTarget,
  type FindingRule,
  listedSubjects,
  oneFindingPerCluster,
  shortestEscalation,
} from "@/lib/findings/rule";

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
        // Who holds runCommand/action, or can reach it by an attack path: the fewest hops first, so the one-step
        // holders lead a list that is capped on a large tenant (each holder's shortest way is its path).
        const holders = (access.get(cluster.id)?.principals ?? [])
          .flatMap((entry) => {
            const way = shortestEscalation(
              entry.escalations.filter((escalation) => escalation.to === "run-command"),
            );
            return way ? [{ principal: entry.principal, way }] : [];
          })
          .sort((a, b) => (a.way.hops ?? 1) - (b.way.hops ?? 1));
        const { listed, unlisted } = listedSubjects(holders);
        return {
          status: "fail",
          summary: `Run command is enabled; ${holders.length} principal(s) hold runCommand/action${unlisted ? ` (the ${listed.length} with the shortest paths are listed)` : ""}.`,
          objects: [
            { kind: "cluster", id: cluster.id, label: cluster.name },
            ...listed.map((holder) => ({
              kind: "principal",
              id: holder.principal.id,
              label: holder.principal.displayName,
            })),
          ],
          paths: listed.map((holder) => holder.way.path),
          unlisted,
        };
      },
    );
  },
};
