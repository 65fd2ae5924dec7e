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
        <AnonymousBanner />
        <CsrfFetch />
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
            <Link href="/" className="flex items-center gap-2 font-semibold text-brand-900">
              <span aria-hidden="true" className="inline-block h-6 w-6 rounded bg-brand-600" />
              AKS Identity Atlas
            </Link>
            <MainNav />
            <HeaderSearch />
            <div className="ml-auto flex items-center">
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
