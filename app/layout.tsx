import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AnonymousBanner } from "@/components/auth/anonymous-banner";
import { CsrfFetch } from "@/components/auth/csrf-fetch";
import { UserMenu } from "@/components/auth/user-menu";
import { HeaderSearch } from "@/components/header-search";
import { MainNav } from "@/components/main-nav";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "AKS Identity Atlas", template: "%s · AKS Identity Atlas" },
  description: "Who can do what on your AKS clusters, and how.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          Skip to content
        </a>
        <CsrfFetch />
        <header className="border-b border-slate-200 bg-white">
          {/* inside the banner landmark, so no content sits outside a landmark (axe region) */}
          <AnonymousBanner />
          {/* On a phone: name, search and user on one line, the navigation as one line that scrolls
              sideways below — two rows, not five. */}
          <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2 sm:py-3">
            <Link
              href="/"
              aria-label="AKS Identity Atlas"
              className="flex shrink-0 items-center gap-2 font-semibold text-brand-900"
            >
              <span aria-hidden="true" className="inline-block h-6 w-6 rounded bg-brand-600" />
              <span className="hidden min-[420px]:inline">AKS Identity Atlas</span>
              <span className="min-[420px]:hidden">Atlas</span>
            </Link>
            <div className="order-last w-full min-w-0 sm:order-none sm:w-auto">
              <MainNav />
            </div>
            <div className="min-w-0 flex-1 sm:flex-none">
              <HeaderSearch />
            </div>
            <div className="flex items-center sm:ml-auto">
              <UserMenu />
            </div>
          </div>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-4 py-6">
          {children}
        </main>
      </body>
    </html>
  );
}
