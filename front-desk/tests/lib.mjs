// What the browser tests share: Debian's Chromium through playwright-core, contexts that
// refuse (and report) every request leaving the router, the API as another desk uses it,
// the development sign-in, an accessibility check (axe-core) and screenshots.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
}

/** A browser context at 1280x800 whose requests outside `routerUrl` are refused and listed
 *  in `report.external` (page errors too). */
export async function guardedContext(browser, routerUrl, report, viewport = { width: 1280, height: 800 }) {
  report.external ??= [];
  const context = await browser.newContext({ viewport });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(routerUrl)) return route.continue();
    report.external.push(url);
    return route.abort();
  });
  context.on("page", (page) => page.on("pageerror", (error) => report.external.push(`page error: ${error.message}`)));
  return context;
}

/** A GraphQL call as another desk makes it; throws on errors. */
export function apiAs(routerUrl, token) {
  return async (query, variables) => {
    const response = await fetch(`${routerUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
}

/** Signs `page` in through the development sign-in as `role` (and `person`). */
export async function signInAs(page, routerUrl, role, person) {
  await page.goto(`${routerUrl}/`);
  await page.getByLabel("Role").selectOption(role);
  if (person) await page.getByLabel(`The ${role}'s id`).fill(person);
  await page.getByRole("button", { name: `Sign in as ${role}` }).click();
  await page.getByText("Signed in as").waitFor({ timeout: 15000 });
}

export const screens = (page) => page.getByRole("navigation", { name: "Screens" }).getByRole("link").allInnerTexts();

/** Checks the page as it is now: axe-core's serious and critical violations, by rule id,
 *  recorded under `name` in `report.accessibility`; a screenshot named `name` is saved in
 *  `SCREENSHOTS` (a directory) when it is set. */
export async function look(page, name, report) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const outcome = await window.axe.run(document, { resultTypes: ["violations"] });
    return outcome.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  });
  report.accessibility ??= {};
  report.accessibility[name] = result;
  if (process.env.SCREENSHOTS) {
    mkdirSync(process.env.SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(process.env.SCREENSHOTS, `${name}.png`) });
  }
}

/** `data-*` attribute selector for one appointment block on the board. */
export const block = (page, id) => page.locator(`[data-appointment="${id}"]`);

/** What every open page shows, for a failure's message: its address and its text. */
export async function explain(browser) {
  const pages = browser.contexts().flatMap((context) => context.pages());
  const shown = await Promise.all(
    pages.map(async (page) => {
      const text = await page
        .locator("body")
        .innerText({ timeout: 2000 })
        .catch(() => "(no text)");
      return `--- ${page.url()}\n${text.slice(0, 1500)}`;
    }),
  );
  return shown.join("\n");
}

/** Runs `steps(browser, report)` in a new browser; prints the report as one JSON line, or
 *  on failure what every page showed, then fails. */
export async function run(steps) {
  const browser = await launch();
  const report = {};
  try {
    await steps(browser, report);
    console.log(JSON.stringify(report));
  } catch (error) {
    console.error(`what the pages showed:\n${await explain(browser)}`);
    throw error;
  } finally {
    await browser.close();
  }
}
