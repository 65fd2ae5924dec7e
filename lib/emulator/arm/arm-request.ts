import type { ArmCaller, ListCache } from "@/lib/emulator/arm/common";
import type { EmulatorContext } from "@/lib/emulator/context";
import type { EmulatorRequest, EmulatorResponse } from "@/lib/emulator/http-kit";

/** An authenticated ARM request, with its path split both as spelled and lower-cased for matching. */
export type ArmRequest = {
  context: EmulatorContext;
  request: EmulatorRequest;
  caller: ArmCaller;
  segments: string[];
  lower: string[];
  listCache: ListCache;
};

export type ArmResult = { route: string; response: EmulatorResponse };

/** Strips what the tenant file carries beside an ARM resource but ARM does not return in its body. */
export function wireResource(resource: Record<string, unknown>): Record<string, unknown> {
  if (!("federatedIdentityCredentials" in resource)) return resource;
  const { federatedIdentityCredentials: _children, ...body } = resource;
  return body;
}
