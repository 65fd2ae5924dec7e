/**
 * Building blocks shared by the Azure and Kubernetes wire schemas (lib/model/wire/azure.ts,
 * lib/model/wire/kubernetes.ts). Pure: no I/O, so the model and the engines can import them.
 */
import { z } from "zod";

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const guidSchema = z.string().regex(GUID_PATTERN, "must be a GUID (8-4-4-4-12 hex digits)");

/** Absolute ARM ids always start with "/"; "/" alone is the tenant root scope. */
export const armIdSchema = z.string().startsWith("/", "must be an ARM resource id starting with '/'");

export const stringMapSchema = z.record(z.string(), z.string());
