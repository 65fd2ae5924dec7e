import type { ReactNode } from "react";

/**
 * The one wrapper every data table sits in: at phone widths the table scrolls sideways inside its card
 * (never clipped, never widening the page), a line under it says so on narrow screens, and the scrolling
 * region can be reached and scrolled from the keyboard (it is focusable and named).
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <section
        aria-label={label}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll it by keyboard (WCAG 2.1.1)
        tabIndex={0}
        className="relative max-w-full overflow-x-auto focus-visible:outline-2 focus-visible:outline-brand-600"
      >
        {children}
      </section>
      <p className="px-3 py-1 text-xs text-slate-600 sm:hidden">
        Scroll the table sideways for more columns.
      </p>
    </>
  );
}
