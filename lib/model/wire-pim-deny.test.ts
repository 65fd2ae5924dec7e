import { describe, expect, it } from "vitest";
import { sampleModel } from "@/lib/model/fixtures/sample-model";
import { modelFromRecords, modelToRecords } from "@/lib/model/records";
import { AZURE_PIM_SOURCE } from "@/lib/model/sources";
import { tenantModelSchema } from "@/lib/model/tenant-model";
import {
  denyAssignmentFromWire,
  roleAssignmentScheduleFromWire,
  roleEligibilityFromWire,
} from "@/lib/model/wire-azure";

// Wire bodies from azure-rest-api-specs, specification/authorization/resource-manager/
// Microsoft.Authorization/stable/2020-10-01/examples/GetRoleEligibilityScheduleInstancesByScope.json,
// GetRoleAssignmentScheduleInstancesByScope.json and stable/2022-04-01/examples/GetDenyAssignmentByScope.json.
const SUB = "/subscriptions/dfa2a084-766f-4003-8ae1-c4aeb893a99f";
const eligibilityWire = {
  properties: {
    scope: SUB,
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`,
    principalId: "A3BB8764-CB92-4276-9D2A-CA1E895E55EA",
    principalType: "User",
    status: "Provisioned",
    roleEligibilityScheduleId: `${SUB}/providers/Microsoft.Authorization/RoleEligibilitySchedules/b1477448-2cc6-4ceb-93b4-54a202a89413`,
    startDateTime: "2020-09-10T00:32:36.86Z",
    endDateTime: "2021-09-10T00:31:41.477Z",
    memberType: "Direct",
    condition:
      "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:ContainerName] StringEqualsIgnoreCase 'foo_storage_container'",
    conditionVersion: "1.0",
  },
  name: "21e4b59a-0499-4fe0-a3c3-43a3055b773a",
  id: `${SUB}/providers/Microsoft.Authorization/RoleEligibilityScheduleInstances/21e4b59a-0499-4fe0-a3c3-43a3055b773a`,
  type: "Microsoft.Authorization/RoleEligibilityScheduleInstances",
};
const activeWire = {
  properties: {
    originRoleAssignmentId: `${SUB}/providers/Microsoft.Authorization/roleAssignments/ed9b8180-cef7-4c77-a63c-b8566ecfc412`,
    assignmentType: "Assigned",
    scope: SUB,
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/c8d4ff99-41c3-41a8-9f60-21dfdad59608`,
    principalId: "a3bb8764-cb92-4276-9d2a-ca1e895e55ea",
    principalType: "User",
    status: "Accepted",
    startDateTime: "2020-09-09T21:35:27.91Z",
    endDateTime: "2020-09-10T05:35:17.91Z",
    memberType: "Direct",
  },
  name: "ed9b8180-cef7-4c77-a63c-b8566ecfc412",
  id: `${SUB}/providers/Microsoft.Authorization/RoleAssignmentScheduleInstances/ed9b8180-cef7-4c77-a63c-b8566ecfc412`,
  type: "Microsoft.Authorization/RoleAssignmentScheduleInstances",
};
const denyWire = {
  properties: {
    denyAssignmentName: "Deny assignment name",
    description: "Deny assignment description",
    permissions: [{ actions: ["action"], notActions: [], dataActions: ["action"], notDataActions: [] }],
    scope: "/subscriptions/subId",
    doNotApplyToChildScopes: false,
    principals: [{ id: "principalId1", type: "principalType1" }],
    excludePrincipals: [{ id: "principalId2", type: "principalType2" }],
    isSystemProtected: true,
  },
  id: "/subscriptions/subId/providers/Microsoft.Authorization/denyAssignments/denyAssignmentId",
  type: "Microsoft.Authorization/denyAssignments",
  name: "denyAssignmentId",
};

describe("PIM and deny assignment converters", () => {
  it("reads an eligibility schedule instance (wire shape)", () => {
    expect(roleEligibilityFromWire(eligibilityWire)).toEqual({
      id: `${SUB}/providers/microsoft.authorization/roleeligibilityscheduleinstances/21e4b59a-0499-4fe0-a3c3-43a3055b773a`,
      scope: SUB,
      roleDefinitionId: "b24988ac-6180-42a0-ab88-20f7382dd24c",
      principalId: "a3bb8764-cb92-4276-9d2a-ca1e895e55ea",
      principalType: "User",
      condition: eligibilityWire.properties.condition,
      startDateTime: "2020-09-10T00:32:36.860Z",
      endDateTime: "2021-09-10T00:31:41.477Z",
      memberType: "Direct",
      status: "Provisioned",
    });
  });

  it("reads the SDK's flattened shape, with Date objects, the same way", () => {
    const { properties, ...rest } = activeWire;
    const sdk = {
      ...rest,
      ...properties,
      startDateTime: new Date(properties.startDateTime),
      endDateTime: new Date(properties.endDateTime),
    };
    expect(roleAssignmentScheduleFromWire(sdk)).toEqual(roleAssignmentScheduleFromWire(activeWire));
    expect(roleAssignmentScheduleFromWire(activeWire)).toMatchObject({
      assignmentType: "Assigned",
      endDateTime: "2020-09-10T05:35:17.910Z",
      originRoleAssignmentId: `${SUB}/providers/microsoft.authorization/roleassignments/ed9b8180-cef7-4c77-a63c-b8566ecfc412`,
      roleDefinitionId: "c8d4ff99-41c3-41a8-9f60-21dfdad59608",
    });
  });

  it("reads a deny assignment", () => {
    expect(denyAssignmentFromWire(denyWire)).toEqual({
      id: "/subscriptions/subid/providers/microsoft.authorization/denyassignments/denyassignmentid",
      name: "Deny assignment name",
      scope: "/subscriptions/subid",
      permissions: [{ actions: ["action"], notActions: [], dataActions: ["action"], notDataActions: [] }],
      principals: [{ id: "principalid1", type: "principalType1" }],
      excludePrincipals: [{ id: "principalid2", type: "principalType2" }],
      doNotApplyToChildScopes: false,
      isSystemProtected: true,
    });
  });

  it("stores them as versioned records (PIM in its own source) and reads them back", () => {
    const model = sampleModel();
    model.roleEligibilities = [roleEligibilityFromWire(eligibilityWire)];
    model.roleAssignmentSchedules = [roleAssignmentScheduleFromWire(activeWire)];
    model.denyAssignments = [denyAssignmentFromWire(denyWire)];
    const records = JSON.parse(JSON.stringify(modelToRecords(model)));
    const byKind = new Map(
      (records as { kind: string; source: string }[]).map((record) => [record.kind, record]),
    );
    expect(byKind.get("roleEligibility")?.source).toBe(AZURE_PIM_SOURCE);
    expect(byKind.get("roleAssignmentSchedule")?.source).toBe(AZURE_PIM_SOURCE);
    expect(byKind.get("denyAssignment")?.source).toBe("sub:subid");
    expect(modelFromRecords(model.tenantId, records, model.coverage)).toEqual(model);
  });

  it("accepts models stored before these kinds existed", () => {
    const { roleEligibilities, roleAssignmentSchedules, denyAssignments, ...older } = sampleModel();
    const parsed = tenantModelSchema.parse(older);
    expect([parsed.roleEligibilities, parsed.roleAssignmentSchedules, parsed.denyAssignments]).toEqual([
      [],
      [],
      [],
    ]);
    expect([roleEligibilities, roleAssignmentSchedules, denyAssignments]).toEqual([[], [], []]);
  });
});
