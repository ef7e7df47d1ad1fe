// Drives the front desk in headless Chromium (Debian's `chromium`, through playwright-core)
// for the router's end-to-end test (router/tests/e2e/front_desk.rs), against a running
// system whose router mints development tokens:
//   node tests/day-board.mjs <router-url> <scenario.json> <screenshot.png>
// scenario: { day, adminToken, shortToken, cardiologist, neurologist, patientId,
//             otherPatientId, booked: {id, time}, free: {time} }
// 1. opens the app with a token about to expire (`#token=`, as links from scripts/dev.sh
//    do) and is sent back to sign-in, told why, when it does; signs in as the front desk
//    through the development sign-in;
// 2. goes to the day, sees the booked appointment in the cardiologist's column;
// 3. another desk (the API, with the administrator's token) books, checks in and cancels:
//    each shows on the board without reloading; how long each took is reported;
//    the live connection drops: a banner while it is down, and what was missed shows once
//    it is back;
// 4. the specialization filter leaves only the neurologist's column;
// 5. books from free slots; a slot another desk took meanwhile is refused and the list
//    fetched again;
// 6. opens that booking on the board with the keyboard, checks in and cancels it;
// 7. registers a patient (a mistake told beside its field first), edits their phone, finds
//    them;
// 8. signs out; an administrator pays a bill, the patient's page shows it paid, and the
//    dashboard shows its charts and each doctor's utilisation.
// Every request that leaves the router is refused and reported.
// Prints one JSON line: what each step saw (see the end of each step).
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
  // The page's WebSocket passes through here, so the test can cut it (as a network drop
  // would) and refuse reconnections for a while.
  const live = { allowed: true, socket: null };
  await context.routeWebSocket(/\/graphql$/, (socket) => {
    if (!live.allowed) return socket.close({ code: 1013, reason: "the test keeps the network down" });
    live.socket = socket;
    socket.connectToServer();
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
  report.bookedLabel = await block(scenario.booked.id).locator("button").getAttribute("aria-label");

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

  // 3b. The live connection drops: a banner says so while it is down; a booking made
  //     meanwhile shows once it is back (the board fetches the day again).
  live.allowed = false;
  live.socket.close({ code: 1011, reason: "the test cuts the network" });
  const banner = page.getByRole("alert").filter({ hasText: "connection" });
  await banner.waitFor({ timeout: 10000 });
  report.banner = await banner.innerText();
  const missed = await api(
    `mutation($input: CreateAppointmentInput!) { createAppointment(input: $input) { id } }`,
    {
      input: {
        patientId: scenario.otherPatientId,
        doctorId: scenario.neurologist,
        date: scenario.day,
        time: "15:00",
        serviceType: "CHECKUP",
        durationMinutes: 30,
      },
    },
  );
  await page.waitForTimeout(1500);
  report.missedWhileDown = await block(missed.createAppointment.id).count();
  live.allowed = true;
  await block(missed.createAppointment.id).waitFor({ timeout: 30000 });
  await banner.waitFor({ state: "detached", timeout: 10000 });
  report.caughtUp = true;

  // 4. Only the neurologists.
  await page.getByLabel("Specialization").selectOption("NEUROLOGY");
  report.columns = await page.locator(".column h3").allInnerTexts();

  // 5. Booking from free slots: the patient found as typed, the neurologist's slots; one
  //    taken by another desk meanwhile is refused in words and the list fetched again;
  //    the next one books.
  await page.getByRole("link", { name: "Book", exact: true }).click();
  await page.getByLabel("Patient", { exact: true }).fill("Ada");
  await page.getByRole("button", { name: /Ada Lovelace/ }).click();
  await page.getByLabel("Doctor", { exact: true }).selectOption({ label: "Oliver Sacks (Neurology)" });
  const slots = page.locator("[data-slot]");
  await slots.first().waitFor({ timeout: 15000 });
  const taken = await slots.first().getAttribute("data-slot");
  await slots.first().click();
  const [, takenDate, takenTime] = taken.split("/");
  await api(`mutation($input: CreateAppointmentInput!) { createAppointment(input: $input) { id } }`, {
    input: {
      patientId: scenario.otherPatientId,
      doctorId: scenario.neurologist,
      date: takenDate,
      time: takenTime,
      serviceType: "CONSULTATION",
      durationMinutes: 30,
    },
  });
  await page.getByRole("button", { name: /^Book Ada Lovelace/ }).click();
  const conflict = page.getByRole("alert").filter({ hasText: "pick another" });
  await conflict.waitFor({ timeout: 10000 });
  report.conflict = await conflict.innerText();
  await page.locator(`[data-slot="${taken}"]`).waitFor({ state: "detached", timeout: 10000 });
  await slots.first().waitFor({ timeout: 10000 });
  const next = await slots.first().getAttribute("data-slot");
  await slots.first().click();
  await page.getByRole("button", { name: /^Book Ada Lovelace/ }).click();
  const booked = page.getByRole("status").filter({ hasText: "Booked:" });
  await booked.waitFor({ timeout: 10000 });
  report.bookedInPage = await booked.innerText();

  // 6. On the board, with the keyboard alone: open the new booking, check in, then cancel
  //    it with a reason; the actions offered follow the status and the role (no Complete
  //    or No-show for the front desk).
  await page.getByRole("link", { name: "See the day" }).click();
  const [, nextDate, nextTime] = next.split("/");
  const mine = page
    .locator(".column", { hasText: "Oliver Sacks" })
    .locator(`[data-time="${nextTime}"][data-status=SCHEDULED] button`);
  await mine.first().waitFor({ timeout: 15000 });
  report.boardDay = await page.getByLabel("Day", { exact: true }).inputValue();
  if (report.boardDay !== nextDate) throw new Error(`the board shows ${report.boardDay}, not ${nextDate}`);
  await mine.first().focus();
  await page.keyboard.press("Enter");
  const panel = page.getByRole("dialog");
  await panel.getByText("Scheduled", { exact: true }).waitFor({ timeout: 10000 });
  report.offeredScheduled = await panel.locator(".actions button, form button").allInnerTexts();
  await panel.getByRole("button", { name: "Check in" }).click();
  await panel.getByText("Checked in", { exact: true }).waitFor({ timeout: 10000 });
  report.offeredCheckedIn = await panel.locator(".actions button, form button").allInnerTexts();
  await panel.getByLabel("Reason for cancelling (optional)").fill("feeling better");
  await panel.getByRole("button", { name: "Cancel the appointment" }).click();
  await panel.getByText("feeling better").waitFor({ timeout: 10000 });
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached", timeout: 5000 });
  report.nextTime = nextTime;

  // 7. Patients: register with a mistake (told beside the field), then properly; edit the
  //    phone on the patient's page.
  await page.getByRole("link", { name: "Patients" }).click();
  await page.getByRole("button", { name: "Register a patient…" }).click();
  const form = page.getByRole("form", { name: "Register a patient" });
  await form.getByLabel("Name").fill("Grace Brewster");
  await form.getByLabel("Email").fill("grace@example.org");
  await form.getByLabel("Phone").fill("12");
  await form.getByRole("button", { name: "Register" }).click();
  const phoneProblem = form.locator(".field-problem");
  await phoneProblem.waitFor({ timeout: 10000 });
  report.phoneProblem = await phoneProblem.innerText();
  await form.getByLabel("Phone").fill("+44 20 7946 0001");
  await form.getByRole("button", { name: "Register" }).click();
  await page.getByRole("heading", { name: "Grace Brewster" }).waitFor({ timeout: 10000 });
  await page.getByRole("button", { name: "Edit contact details" }).click();
  await page.getByLabel("Phone").fill("+44 20 7946 0002");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("+44 20 7946 0002").waitFor({ timeout: 10000 });
  await page.getByRole("link", { name: "← Patients" }).click();
  await page.getByLabel("Find a patient").fill("Brewster");
  await page.getByRole("row", { name: /Grace Brewster/ }).waitFor({ timeout: 10000 });
  report.found = await page.getByRole("row", { name: /Grace Brewster/ }).innerText();
  report.frontDeskScreens = await page.getByRole("navigation", { name: "Screens" }).getByRole("link").allInnerTexts();

  // 8. Sign out; an administrator takes the payment of the checked-in booking's bill, and
  //    the patient's page shows it paid.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Front desk: sign in" }).waitFor({ timeout: 5000 });
  report.signedOut = true;
  await page.getByLabel("Role").selectOption("administrator");
  await page.getByRole("button", { name: "Sign in as administrator" }).click();
  await page.getByRole("link", { name: "Bills" }).click();
  const bill = page.locator("tr[data-bill]", { hasText: "Ada Lovelace" }).first();
  await bill.waitFor({ timeout: 20000 });
  const billId = await bill.getAttribute("data-bill");
  await bill.getByRole("combobox").selectOption("CREDIT_CARD");
  await bill.getByRole("button", { name: /^Pay:/ }).click();
  await page.locator(`tr[data-bill="${billId}"]`).waitFor({ state: "detached", timeout: 10000 });
  await page.goto(`${routerUrl}/#/patients/${scenario.patientId}`);
  const billsTable = page.getByRole("region", { name: "Bills" });
  await billsTable.getByText("Paid", { exact: true }).waitFor({ timeout: 10000 });
  report.patientBills = await billsTable.innerText();
  await page.getByRole("link", { name: "Dashboard" }).click();
  const utilisation = page.getByRole("table", { name: "Utilisation per doctor" });
  await utilisation.getByRole("row", { name: /Oliver Sacks/ }).waitFor({ timeout: 10000 });
  report.utilisation = await utilisation.innerText();
  report.charts = await page.locator("figure figcaption").allInnerTexts();
  report.adminScreens = await page.getByRole("navigation", { name: "Screens" }).getByRole("link").allInnerTexts();
  await page.screenshot({ path: screenshot.replace(/\.png$/, "-dashboard.png") });

  console.log(JSON.stringify(report));
} finally {
  await browser.close();
}
