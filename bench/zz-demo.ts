import { loadDemoTenant } from "@/lib/emulator/demo/index";
import { evaluateFindings } from "@/lib/findings/evaluate-findings";
import { modelFromTenantFile } from "@/lib/model/from-tenant-file";
const findings = evaluateFindings(modelFromTenantFile(await loadDemoTenant()));
for (const f of findings.filter((f) => f.cluster.name === "aks-dev-1" && f.status === "fail" && ["escalation-to-cluster-admin","pod-creators-reach-identity","cluster-admin-broad-subject"].includes(f.ruleId)))
  console.log(f.ruleId, "|", JSON.stringify(f.evidence.objects?.map((o) => o.label)), f.evidence.unlisted ?? "");
