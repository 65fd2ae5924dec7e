import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  clusterHref,
  clusterIdFromSlug,
  clusterSlug,
  principalHref,
  principalIdFromParam,
} from "@/lib/queries/cluster-slug";

const AKS_1 =
  "/subscriptions/00000000-0000-0000-0000-0000000005b1/resourcegroups/rsg-aksidentitystate1/providers/microsoft.containerservice/managedclusters/aks-1";

const nameChars = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_".split(""));
const groupChars = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_.()".split(""));
const clusterIds = fc
  .record({
    subscription: fc.uuid(),
    group: fc.string({ unit: groupChars, minLength: 1, maxLength: 40 }),
    name: fc.string({ unit: nameChars, minLength: 1, maxLength: 30 }),
  })
  .map(
    ({ subscription, group, name }) =>
      `/subscriptions/${subscription}/resourcegroups/${group}/providers/microsoft.containerservice/managedclusters/${name}`,
  );

describe("cluster slugs", () => {
  it("are short and readable for a canonical cluster id", () => {
    expect(clusterSlug(AKS_1)).toBe("aks-1~rsg-aksidentitystate1~00000000-0000-0000-0000-0000000005b1");
    expect(clusterHref(AKS_1)).toBe(
      "/clusters/aks-1~rsg-aksidentitystate1~00000000-0000-0000-0000-0000000005b1",
    );
  });

  it("round-trip every canonical cluster id", () => {
    fc.assert(
      fc.property(clusterIds, (id) => {
        expect(clusterIdFromSlug(clusterSlug(id))).toBe(id);
      }),
    );
  });

  it("round-trip through the URL (encoded by the browser, decoded or not by the router)", () => {
    fc.assert(
      fc.property(clusterIds, (id) => {
        const slug = clusterSlug(id);
        expect(clusterIdFromSlug(encodeURIComponent(slug))).toBe(id);
        expect(clusterIdFromSlug(new URL(`http://x${clusterHref(id)}`).pathname.split("/")[2])).toBe(id);
      }),
    );
  });

  it("lower-case the ARM id, as the model stores it", () => {
    expect(clusterSlug(AKS_1.toUpperCase().replace("/SUBSCRIPTIONS", "/subscriptions"))).toBe(
      clusterSlug(AKS_1),
    );
    expect(clusterIdFromSlug("AKS-1~RSG-AKSIDENTITYSTATE1~00000000-0000-0000-0000-0000000005B1")).toBe(AKS_1);
  });

  it("accept the url-encoded ARM id as well", () => {
    expect(clusterIdFromSlug(encodeURIComponent(AKS_1))).toBe(AKS_1);
  });

  it("fall back to the encoded id for an id that is no managed cluster", () => {
    const odd = "/subscriptions/x/resourcegroups/rg/providers/microsoft.other/things/y";
    expect(clusterIdFromSlug(clusterSlug(odd))).toBe(odd);
  });

  it("reject slugs that name no cluster", () => {
    for (const bad of ["", "aks-1", "aks-1~rg", "a~b~c~d", "a~~c", "a~b/c~d", "%E0%A4%A"]) {
      expect(clusterIdFromSlug(bad)).toBeNull();
    }
  });
});

describe("principal hrefs", () => {
  it("round-trip ids with colons and slashes", () => {
    for (const id of [
      "00000000-0000-0000-0000-0000000000f4",
      "system:serviceaccount:sandbox:ci-runner",
      "k8s-user:a/b",
    ]) {
      const segment = principalHref(id).split("/")[2];
      expect(principalIdFromParam(segment)).toBe(id);
      expect(principalIdFromParam(decodeURIComponent(segment))).toBe(id);
    }
  });
});
