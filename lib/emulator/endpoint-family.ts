/** The API surfaces the emulator serves; faults and request accounting are configured per family. */
export const endpointFamilies = ["arm", "resource-graph", "graph", "entra", "kubernetes"] as const;

export type EndpointFamily = (typeof endpointFamilies)[number];

export function isEndpointFamily(value: string): value is EndpointFamily {
  return (endpointFamilies as readonly string[]).includes(value);
}
