import packageJson from "@/package.json" with { type: "json" };

/** The product version recorded in scans and reports. */
export const PRODUCT_VERSION: string = packageJson.version;
