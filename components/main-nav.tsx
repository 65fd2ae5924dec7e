"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/clusters", label: "Clusters" },
  { href: "/principals", label: "Principals" },
  { href: "/identities", label: "Identities" },
  { href: "/findings", label: "Findings" },
  { href: "/scans", label: "Scans" },
  { href: "/drift", label: "Drift" },
  { href: "/reports", label: "Reports" },
  { href: "/settings", label: "Settings" },
];

/** The header navigation; the current section is marked for sight and for screen readers. */
export function MainNav() {
  const pathname = usePathname();
  return (
    // one line that scrolls sideways on a phone, wrapping from the sm breakpoint on
    <nav aria-label="Main" className="flex gap-1 overflow-x-auto whitespace-nowrap text-sm sm:flex-wrap">
      {NAV.map((item) => {
        const current =
          item.href === "/"
            ? pathname === "/"
            : pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={current ? "page" : undefined}
            className={`rounded px-2 py-1 hover:bg-slate-100 hover:text-slate-900 ${
              current ? "bg-brand-50 font-medium text-brand-900" : "text-slate-700"
            }`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
