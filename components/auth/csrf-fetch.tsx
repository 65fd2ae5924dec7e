"use client";

import { installCsrfFetch } from "@/lib/auth/csrf-client";

// At module evaluation, i.e. as soon as the page's client code loads — before any click can fetch.
if (typeof window !== "undefined") installCsrfFetch();

/** Rendered once in the root layout; makes every same-origin write carry the CSRF token. */
export function CsrfFetch() {
  return null;
}
