import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), or the one `CHROMIUM_PATH` names. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, if they cannot; with CI=true that is a failure, not a skip. */
export function browserProblem(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const problem = `${CHROMIUM} not found (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`Chromium is needed in CI: ${problem}.`);
  process.stderr.write(`SKIPPING browser tests: ${problem}.\n`);
  return problem;
}

/** The flags a shared machine without a display needs. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core on the page as it is (WCAG 2.x A and AA rules, and best practices) and fails on any
 * serious or critical violation. axe runs through the DevTools protocol, which the page's
 * Content-Security-Policy does not govern, so the page is tested under its real policy.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  const grave = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')})`,
    );
  expect(grave, `axe on ${what}`).toEqual([]);
}

/**
 * Presses Tab through the page from its start, and fails unless every control that can be used (visible
 * and enabled links, buttons, fields) gets the focus: everything is reachable by keyboard.
 */
export async function expectReachableByKeyboard(page: Page, what: string): Promise<void> {
  const controls = await page.evaluate(() => {
    const selector = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';
    const usable = [...document.querySelectorAll<HTMLElement>(selector)].filter(
      (element) =>
        !(element as HTMLInputElement).disabled &&
        element.tabIndex >= 0 &&
        element.getClientRects().length > 0 &&
        getComputedStyle(element).visibility !== 'hidden',
    );
    for (const [index, element] of usable.entries()) element.setAttribute('data-tab-check', String(index));
    (document.activeElement as HTMLElement | null)?.blur();
    return usable.map((element) => element.getAttribute('aria-label') ?? element.textContent?.trim() ?? element.tagName);
  });
  const reached = new Set<string>();
  for (let press = 0; press < controls.length + 5; press++) {
    await page.keyboard.press('Tab');
    const key = await page.evaluate(() => document.activeElement?.getAttribute('data-tab-check') ?? null);
    if (key !== null) reached.add(key);
  }
  const missed = controls.filter((_, index) => !reached.has(String(index)));
  expect(missed, `controls of ${what} that Tab never reaches`).toEqual([]);
}
