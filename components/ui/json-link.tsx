import type { ReactNode } from "react";

/**
 * A link to a JSON route (/api/…). A plain anchor, not next/link: Next would prefetch it as a page with
 * `?_rsc=…`, which the API's strict query schemas rightly refuse (400), logging a console error on every
 * page that shows the link.
 */
export function JsonLink({
  href,
  children = "JSON",
  className = "text-sm text-brand-700 underline",
}: {
  href: string;
  children?: ReactNode;
  className?: string;
}) {
  return (
    <a className={className} href={href}>
      {children}
    </a>
  );
}
