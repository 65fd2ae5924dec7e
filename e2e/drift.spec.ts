import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { expectAccessible } from "./axe";

// Drift in a real Chromium against the production app, which scans the demo tenant at start. A second scan
// is started through the API when there is only one, so there is a pair of scans to compare.

const AKS2 = "aks-2~rsg-aksidentitystate2~00000000-0000-0000-0000-0000000005b1";

async function completedScans(request: APIRequestContext): Promise<string[]> {
  const body = (await (await request.get("/api/scans?limit=50")).json()) as {
    scans: { id: string; status: string }[];
  };
  return body.scans.filter((s) => s.status === "succeeded" || s.status === "partial").map((s) => s.id);
}

/** At least two completed scans: waits for the startup scan, then starts one more when needed. */
async function withTwoScans(page: Page) {
  await page.goto("/scans");
  await expect(async () => expect((await completedScans(page.request)).length).toBeGreaterThan(0)).toPass({
    intervals: [1_000, 2_000, 3_000],
    timeout: 120_000,
  });
  if ((await completedScans(page.request)).length >= 2) return;
  const token = (await page.context().cookies()).find((cookie) => cookie.name === "atlas_csrf")?.value ?? "";
  const origin = new URL(page.url()).origin;
  await expect(async () => {
    const started = await page.request.post("/api/scans", {
      data: {},
      headers: { "x-csrf-token": token, origin },
    });
    expect([202, 409]).toContain(started.status());
    expect((await completedScans(page.request)).length).toBeGreaterThanOrEqual(2);
  }).toPass({ intervals: [2_000, 3_000, 5_000], timeout: 180_000 });
}

test("the drift page charts changes per scan and lists what changed in one", async ({ page }) => {
  await withTwoScans(page);
  await page.goto("/drift");
  await expect(page.getByRole("heading", { level: 1, name: "Drift" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Changes per scan" })).toBeVisible();
  const scans = page.getByRole("navigation", { name: "Scans in the timeline" }).getByRole("link");
  // the timeline is a client chart, rendered after the page: a count taken at once can read 0 (it did in CI)
  await expect.poll(() => scans.count()).toBeGreaterThanOrEqual(2);
  await expectAccessible(page);

  await scans.last().click();
  const events = page.getByRole("region", { name: /Scan #\d+ against scan #\d+/ });
  await expect(events).toBeVisible();
  await expect(
    events.getByRole("list", { name: "Drift events" }).or(events.getByText(/Nothing changed between scan/)),
  ).toBeVisible();
  await expect(events.getByRole("navigation", { name: "Severity at least" })).toBeVisible();
  await expectAccessible(page);

  // The first scan is a baseline: nothing to compare it with.
  await scans.first().click();
  await expect(page.getByRole("heading", { name: /is the first scan$/ })).toBeVisible();
});

test("a cluster's drift page narrows the timeline and the events to the cluster", async ({ page }) => {
  await withTwoScans(page);
  await page.goto(`/clusters/${AKS2}/drift`);
  await expect(page.getByRole("heading", { level: 1, name: "Drift of aks-2" })).toBeVisible();
  await expect(
    page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "aks-2" }),
  ).toBeVisible();
  await expect(page.getByRole("region", { name: "Changes per scan" })).toContainText("on aks-2");
  await expectAccessible(page);
});

test("unknown scans, clusters and objects are 404 pages", async ({ page }) => {
  await withTwoScans(page);
  for (const path of [
    "/drift?to=987654321",
    "/drift?from=abc",
    "/clusters/no-such~rg~00000000-0000-0000-0000-000000000000/drift",
    "/drift/object?kind=cluster&key=%2Fno%2Fsuch%2Fcluster",
    "/drift/object",
  ]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: "Not found" }), path).toBeVisible();
  }
});

test("the object view shows an object's versions and links back", async ({ page }) => {
  await withTwoScans(page);
  const key =
    "/subscriptions/00000000-0000-0000-0000-0000000005b1/resourcegroups/rsg-aksidentitystate2/providers/microsoft.containerservice/managedclusters/aks-2";
  await page.goto(`/drift/object?kind=cluster&key=${encodeURIComponent(key)}`);
  await expect(page.getByRole("heading", { level: 1, name: "aks-2" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Versions" }).getByRole("table")).toBeVisible();
  await expect(page.getByRole("region", { name: /^As of scan #\d+/ })).toContainText(
    '"localAccountsDisabled": false',
  );
  await expectAccessible(page);
});

test("GET /api/drift keeps its contract and answers bad input with the error shape", async ({
  page,
  request,
}) => {
  await withTwoScans(page);
  const ok = await request.get("/api/drift");
  expect(ok.status()).toBe(200);
  const body = (await ok.json()) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(expect.arrayContaining(["from", "to", "events"]));
  for (const [query, status, code] of [
    ["from=abc", 400, "invalid_query"],
    ["bogus=1", 400, "invalid_query"],
    ["to=987654321", 404, "scan_not_found"],
    ["cluster=no-such-cluster", 404, "cluster_not_found"],
  ] as const) {
    const response = await request.get(`/api/drift?${query}`);
    expect(response.status(), query).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  }
});
