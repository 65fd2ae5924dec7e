import { expect, type Page, test } from "@playwright/test";
import { expectAccessible } from "./axe";

// "Can become" beside "is" (issues 13 §5 and 16 #1), on the demo tenant's stories
// (lib/emulator/demo/README.md): Leonard, admin of namespace default on aks-1, mints a token of
// default/release-bot, which is federated to id-release-automation, Contributor on aks-2's resource
// group → aks-2's admin credential (three hops); Bernadette, User Access Administrator on aks-3's
// resource group, can assign herself AKS RBAC Cluster Admin there.

const LEONARD = "00000000-0000-0000-0000-0000000000f3";
const AKS3 = "/clusters/aks-3~rsg-aksidentitystate3~00000000-0000-0000-0000-0000000005b1";

/**
 * The startup scan may still run when the first test starts, and the demo's history (scanned before the
 * server listens) is no substitute for it: wait until the scan of today's state has finished.
 */
async function openWithData(page: Page, path: string) {
  await expect(async () => {
    const response = await page.request.get("/api/scans?limit=50");
    const { scans } = (await response.json()) as { scans: { status: string; trigger: string }[] };
    expect(scans.find((scan) => scan.trigger === "startup")?.status).toMatch(/^(succeeded|partial)$/);
  }).toPass({ intervals: [1_000, 2_000, 3_000], timeout: 180_000 });
  await page.goto(path);
}

test("Leonard's page shows his three-hop path to cluster-admin on aks-2", async ({ page }) => {
  await openWithData(page, `/principals/${LEONARD}`);
  await expect(
    page.getByRole("heading", { level: 1, name: "What can Leonard Hofstadter do?" }),
  ).toBeVisible();
  await expect(page.getByText(/Can become cluster-admin on 1 cluster: aks-2/)).toBeVisible();

  const table = page.getByRole("region", { name: "Access by cluster" });
  const aks2Row = table.getByRole("row", { name: /aks-2/ });
  await expect(aks2Row).toContainText("can become cluster-admin (3 hops)");

  const steps = page.getByRole("region", { name: "How, step by step" });
  await expect(steps.getByRole("heading", { name: /Can become cluster-admin in 3 hops/ })).toBeVisible();
  const path = steps.getByRole("list", { name: "How Leonard Hofstadter could reach cluster-admin on aks-2" });
  await expect(path).toBeVisible();
  await expect(path).toContainText("RoleBinding default/defaultnsadmin");
  await expect(path).toContainText("default/release-bot");
  await expect(path).toContainText("id-release-automation");
  await expect(path).toContainText("Contributor on resource group rsg-aksidentitystate2");
  await expect(path).toContainText("listClusterAdminCredential");
  await expect(path.getByRole("link", { name: "aks-2", exact: true })).toBeVisible();
  await expectAccessible(page);
});

test("aks-3 lists Bernadette, Penny, break-glass and ci-deployer under 'Can become cluster-admin'", async ({
  page,
}) => {
  await openWithData(page, AKS3);
  await expect(page.getByRole("heading", { level: 1, name: "aks-3" })).toBeVisible();

  const canBecome = page.getByRole("region", { name: "Can become cluster-admin" });
  const isAdmin = page.getByRole("region", { name: "Is cluster-admin" });
  await expect(canBecome).toBeVisible();
  await expect(isAdmin).toBeVisible();

  // Each can-become entry links to the principal's page from inside its details (no link in a summary).
  await expect(
    canBecome.getByRole("link", { name: "Everything Bernadette Rostenkowski can do" }),
  ).toBeVisible();
  await expect(isAdmin.getByRole("link", { name: "Bernadette Rostenkowski" })).toHaveCount(0);
  for (const who of ["Penny", "ci-deployer"]) {
    await expect(canBecome.getByRole("link", { name: `Everything ${who} can do` })).toBeVisible();
  }
  await expect(canBecome.getByRole("link", { name: /^Everything Break-glass/ })).toBeVisible();

  const bernadette = canBecome.getByRole("list", {
    name: "How Bernadette Rostenkowski could become cluster-admin on aks-3",
  });
  await expect(bernadette).toBeVisible();
  await expect(bernadette).toContainText("User Access Administrator on resource group rsg-aksidentitystate3");
  await expect(bernadette).toContainText("Microsoft.Authorization/roleAssignments/write");

  // the access list puts them right after the holders, with the chip
  const access = page.getByRole("region", { name: "Access", exact: true });
  await expect(access.getByText("can become cluster-admin (1 hop)").first()).toBeVisible();

  // the graph's default (cluster-admin) view includes them, dashed, and says so in its legend
  const legend = page.getByRole("list", { name: "Graph legend" });
  await expect(legend).toContainText("can become: an attack path, not held today");
  await expect(legend).not.toContainText("none in this view");
  await expectAccessible(page);

  await page.setViewportSize({ width: 390, height: 844 });
  // Each can-become entry links to the principal's page from inside its details (no link in a summary).
  await expect(
    canBecome.getByRole("link", { name: "Everything Bernadette Rostenkowski can do" }),
  ).toBeVisible();
  await expectAccessible(page);
});
