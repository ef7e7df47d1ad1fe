// Drives the front desk in headless Chromium (Debian's `chromium`, through playwright-core)
// for the router's end-to-end test (router/tests/e2e/front_desk.rs), against a running
// system whose router mints development tokens:
//   node tests/day-board.mjs <router-url> <scenario.json> <screenshot.png>
// scenario: { day, adminToken, shortToken, cardiologist, neurologist, patientId,
//             patientName, booked: {id, time}, free: {time} }
// 1. opens the app with a token about to expire (`#token=`, as links from scripts/dev.sh
//    do) and is sent back to sign-in, told why, when it does; signs in as the front desk
//    through the development sign-in;
// 2. goes to the day, sees the booked appointment in the cardiologist's column;
// 3. another desk (the API, with the administrator's token) books, checks in and cancels:
//    each shows on the board without reloading; how long each took is reported;
// 4. the specialization filter leaves only the neurologist's column;
// 5. signs out.
// Every request that leaves the router is refused and reported.
// Prints one JSON line: { external, expired, signedIn, bookedLabel, shown: {...ms},
// columns, signedOut }.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const [routerUrl, scenarioFile, screenshot] = process.argv.slice(2);
const scenario = JSON.parse(readFileSync(scenarioFile, "utf8"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const external = [];
const report = { external };

async function api(query, variables) {
  const response = await fetch(`${routerUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${scenario.adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(routerUrl)) return route.continue();
    external.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => external.push(`page error: ${error.message}`));

  // 1. A token that expires leads back to sign-in, saying so; then the development sign-in.
  await page.goto(`${routerUrl}/#token=${scenario.shortToken}`);
  await page.getByText("Signed in as").waitFor({ timeout: 15000 });
  await page.getByRole("alert").filter({ hasText: "expired" }).waitFor({ timeout: 30000 });
  report.expired = await page.getByRole("alert").first().innerText();
  await page.getByLabel("Role").selectOption("front-desk");
  await page.getByRole("button", { name: "Sign in as front-desk" }).click();
  await page.getByText("Signed in as").waitFor({ timeout: 15000 });
  report.signedIn = await page.locator(".who").innerText();

  // 2. The day, the booked appointment in its doctor's column.
  await page.getByLabel("Day", { exact: true }).fill(scenario.day);
  const column = (doctor) => page.getByRole("region", { name: new RegExp(`^${doctor}`) });
  const block = (id) => page.locator(`[data-appointment="${id}"]`);
  await block(scenario.booked.id).waitFor({ timeout: 15000 });
  const inColumn = await column(scenario.cardiologist).locator(`[data-appointment="${scenario.booked.id}"]`).count();
  if (inColumn !== 1) throw new Error("the booked appointment is not in the cardiologist's column");
  report.bookedLabel = await block(scenario.booked.id).getAttribute("aria-label");

  // 3. Another desk's changes, live. The subscription is open once the board has loaded.
  await page.waitForTimeout(500);
  const shown = {};
  const timed = async (name, change, appears) => {
    const started = Date.now();
    const result = await change();
    const changed = Date.now();
    await appears(result);
    shown[name] = { mutationMs: changed - started, shownAfterMs: Date.now() - changed };
    return result;
  };
  const created = await timed(
    "booking",
    () =>
      api(
        `mutation($input: CreateAppointmentInput!) { createAppointment(input: $input) { id } }`,
        {
          input: {
            patientId: scenario.patientId,
            doctorId: scenario.neurologist,
            date: scenario.day,
            time: scenario.free.time,
            serviceType: "CONSULTATION",
            durationMinutes: 30,
          },
        },
      ),
    (data) => block(data.createAppointment.id).waitFor({ timeout: 10000 }),
  );
  const newId = created.createAppointment.id;
  const status = (id, expected) =>
    page.waitForFunction(
      ([selector, value]) => document.querySelector(selector)?.dataset.status === value,
      [`[data-appointment="${id}"]`, expected],
      { timeout: 10000 },
    );
  await timed(
    "check-in",
    () => api(`mutation($id: ID!) { checkInAppointment(id: $id) { id } }`, { id: newId }),
    () => status(newId, "CHECKED_IN"),
  );
  await timed(
    "cancellation",
    () =>
      api(`mutation($id: ID!) { cancelAppointment(id: $id, reason: "patient called") { id } }`, {
        id: scenario.booked.id,
      }),
    () => status(scenario.booked.id, "CANCELLED"),
  );
  report.shown = shown;
  await page.screenshot({ path: screenshot });

  // 4. Only the neurologists.
  await page.getByLabel("Specialization").selectOption("NEUROLOGY");
  report.columns = await page.locator(".column h3").allInnerTexts();

  // 5. Sign out.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Front desk: sign in" }).waitFor({ timeout: 5000 });
  report.signedOut = true;

  console.log(JSON.stringify(report));
} finally {
  await browser.close();
}
