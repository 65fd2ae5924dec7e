import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

const WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * Fails the test on axe violations on the current page.
 *
 * Default: serious or critical WCAG 2.1 A/AA violations only (what the feature specs check on the pages
 * they drive). `strict`: every violation of any impact, with axe's best-practice rules added — they carry
 * the landmark rules (`region`, `landmark-one-main`, `landmark-unique`, …) and the heading rules
 * (`heading-order`, `page-has-heading-one`) that issue 16's acceptance names; e2e/every-page.spec.ts
 * sweeps every page with it.
 */
export async function expectAccessible(page: Page, options: { strict?: boolean } = {}): Promise<void> {
  const tags = options.strict ? [...WCAG21_AA, "best-practice"] : WCAG21_AA;
  const results = await new AxeBuilder({ page }).withTags(tags).analyze();
  const failing = options.strict
    ? results.violations
    : results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    failing.map(
      (v) => `${v.id} (${v.impact}): ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
    ),
  ).toEqual([]);
}
