import { z } from "zod";

/** A scan id in a URL or query: a positive integer that fits a bigint column. */
export const scanIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,17}$/, "must be a positive integer")
  .transform((s) => BigInt(s));

export function issuesMessage(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}
