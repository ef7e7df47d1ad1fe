// A receptionist's day through the front desk in headless Chromium, for the router's
// end-to-end test (router/tests/e2e/front_desk.rs), against a running system whose router
// mints development tokens:
//   node tests/receptionist.mjs <router-url> <scenario.json>
// scenario: { day, adminToken, shortToken, neurologist, patientId, booked: {id} }
// (`day`: a date with the appointment `booked`, Ada Lovelace with Grace Hopper at 09:30;
// Charles Babbage is the other patient; Oliver Sacks the neurologist.)
//  1. A token that expires leads back to sign-in, told why; desk A signs in (development).
//  2. The day: the booked appointment in its doctor's column.
//  3. Another desk's booking, check-in and cancellation through the API show on the board
//     without reloading (timed).
//  4. The live connection drops: a banner while it is down; a booking made meanwhile shows
//     once it is back.
//  5. The specialization filter.
//  6. Desk B watches the board while desks A and B both pick the neurologist's first free
//     slot: A books it and B's board shows it (timed); B's booking of it is refused in
//     words and its slots fetched again; B books the next one.
//  7. Desk A, with the keyboard alone, opens its booking on the board and checks the patient
//     in (the actions offered follow the status and the role); desk B reschedules its own to
//     another free slot, then cancels it with a reason.
//  8. Desk A registers a patient (a mistake told beside its field first), edits their
//     phone, finds them.
//  9. An administrator completes A's booking, takes its payment, sees it paid on the
//     patient's page, and the dashboard's completed count move.
// Every screen gets an accessibility check and, with SCREENSHOTS set, a screenshot.
// Prints one JSON line: what each step saw.
import { readFileSync } from "node:fs";
import { apiAs, block, guardedContext, look, run, screens, signInAs } from "./lib.mjs";

const [routerUrl, scenarioFile] = process.argv.slice(2);
const scenario = JSON.parse(readFileSync(scenarioFile, "utf8"));
const api = apiAs(routerUrl, scenario.adminToken);
const BOOK = `mutation($input: CreateAppointmentInput!) { createAppointment(input: $input) { id } }`;
const booking = (patientId, time, date = scenario.day) => ({
  input: { patientId, doctorId: scenario.neurologist, date, time, serviceType: "CONSULTATION", durationMinutes: 30 },
});
await run(async (browser, report) => {
  const contextA = await guardedContext(browser, routerUrl, report);
  // Desk A's WebSocket passes through here, so the test can cut it (as a network drop
  // would) and hold reconnections for a while.
  const live = { allowed: true, socket: null };
  await contextA.routeWebSocket(/\/graphql$/, (socket) => {
    if (!live.allowed) return socket.close({ code: 1013, reason: "the test keeps the network down" });
    live.socket = socket;
    socket.connectToServer();
  });
  const page = await contextA.newPage();
  const firstLoad = Date.now();

  // 1. An expiring token; then the development sign-in.
  await page.goto(`${routerUrl}/#token=${scenario.shortToken}`);
  await page.getByText("Signed in as").waitFor({ timeout: 15000 });
  report.firstLoad = await page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0];
    const bytes = performance
      .getEntriesByType("resource")
      .reduce((sum, entry) => sum + (entry.transferSize || 0), navigation.transferSize || 0);
    return { loadMs: Math.round(navigation.loadEventEnd), transferredBytes: bytes };
  });
  report.firstLoad.boardShownMs = Date.now() - firstLoad;
  await page.getByRole("alert").filter({ hasText: "expired" }).waitFor({ timeout: 30000 });
  report.expired = await page.getByRole("alert").first().innerText();
  await look(page, "sign-in", report);
  await signInAs(page, routerUrl, "front-desk");
  report.signedIn = await page.locator(".who").innerText();

  // 2. The day.
  await page.getByLabel("Day", { exact: true }).fill(scenario.day);
  await block(page, scenario.booked.id).waitFor({ timeout: 15000 });
  const inColumn = await page
    .getByRole("region", { name: /^Grace Hopper/ })
    .locator(`[data-appointment="${scenario.booked.id}"]`)
    .count();
  if (inColumn !== 1) throw new Error("the booked appointment is not in its doctor's column");
  report.bookedLabel = await block(page, scenario.booked.id).locator("button").textContent();

  // 3. Another desk's changes, live (the subscription is open once the board has loaded).
  await page.waitForTimeout(500);
  report.shown = {};
  const timed = async (name, change, appears) => {
    const started = Date.now();
    const result = await change();
    const changed = Date.now();
    await appears(result);
    report.shown[name] = { mutationMs: changed - started, shownAfterMs: Date.now() - changed };
    return result;
  };
  const status = (where, id, expected) =>
    where.waitForFunction(
      ([selector, value]) => document.querySelector(selector)?.dataset.status === value,
      [`[data-appointment="${id}"]`, expected],
      { timeout: 10000 },
    );
  const created = await timed(
    "booking",
    () => api(BOOK, booking(scenario.patientId, "11:00")),
    (data) => block(page, data.createAppointment.id).waitFor({ timeout: 10000 }),
  );
  const newId = created.createAppointment.id;
  await timed(
    "check-in",
    () => api(`mutation($id: ID!) { checkInAppointment(id: $id) { id } }`, { id: newId }),
    () => status(page, newId, "CHECKED_IN"),
  );
  await timed(
    "cancellation",
    () => api(`mutation($id: ID!) { cancelAppointment(id: $id, reason: "patient called") { id } }`, { id: scenario.booked.id }),
    () => status(page, scenario.booked.id, "CANCELLED"),
  );
  await look(page, "day-board", report);

  // 4. The live connection drops and comes back.
  live.allowed = false;
  live.socket.close({ code: 1011, reason: "the test cuts the network" });
  const banner = page.getByRole("alert").filter({ hasText: "connection" });
  await banner.waitFor({ timeout: 10000 });
  report.banner = await banner.innerText();
  const missed = await api(BOOK, booking(scenario.otherPatientId, "15:00"));
  await page.waitForTimeout(1500);
  report.missedWhileDown = await block(page, missed.createAppointment.id).count();
  live.allowed = true;
  await block(page, missed.createAppointment.id).waitFor({ timeout: 30000 });
  await banner.waitFor({ state: "detached", timeout: 10000 });
  report.caughtUp = true;

  // 5. Only the neurologists.
  await page.getByLabel("Specialization").selectOption("NEUROLOGY");
  report.columns = await page.locator(".column h3").allInnerTexts();
  await page.getByLabel("Specialization").selectOption("");

  // 6. Two desks, one slot.
  const contextB = await guardedContext(browser, routerUrl, report);
  const deskB = await contextB.newPage();
  await signInAs(deskB, routerUrl, "front-desk");
  // The first free slot (or `preferred`, when it is offered: the first may have passed
  // between the two desks' searches).
  const pickFirstSlot = async (desk, patient, preferred) => {
    await desk.getByRole("link", { name: "Book", exact: true }).click();
    await desk.getByLabel("Patient", { exact: true }).fill(patient.split(" ")[0]);
    await desk.getByRole("button", { name: new RegExp(patient) }).click();
    await desk.getByLabel("Doctor", { exact: true }).selectOption({ label: "Oliver Sacks (Neurology)" });
    await desk.locator("[data-slot]").first().waitFor({ timeout: 15000 });
    const offered = preferred && (await desk.locator(`[data-slot="${preferred}"]`).count()) > 0;
    const choice = offered ? desk.locator(`[data-slot="${preferred}"]`) : desk.locator("[data-slot]").first();
    const slot = await choice.getAttribute("data-slot");
    await choice.click();
    return slot;
  };
  const slotA = await pickFirstSlot(page, "Ada Lovelace");
  await look(page, "book", report);
  const slotB = await pickFirstSlot(deskB, "Charles Babbage", slotA);
  if (slotA !== slotB) throw new Error(`the desks were offered different first slots: ${slotA}, ${slotB}`);
  const [, slotDate, slotTime] = slotA.split("/");
  const boardB = await contextB.newPage();
  const tokenB = await deskB.evaluate(() => sessionStorage.getItem("pms.session.token"));
  await boardB.goto(`${routerUrl}/#token=${tokenB}`);
  await boardB.getByText("Signed in as").waitFor({ timeout: 15000 });
  await boardB.evaluate((date) => {
    window.location.hash = `#/board/${date}`;
  }, slotDate);
  await boardB.locator(".column").first().waitFor({ timeout: 15000 });
  await boardB.waitForTimeout(500);
  const slotOnB = boardB.locator(".column", { hasText: "Oliver Sacks" }).locator(`[data-time="${slotTime}"]`);
  await page.getByRole("button", { name: /^Book Ada Lovelace/ }).click();
  await page.getByRole("status").filter({ hasText: "Booked:" }).waitFor({ timeout: 10000 });
  const bookedAt = Date.now();
  await slotOnB.waitFor({ timeout: 10000 });
  report.otherDeskSawAfterMs = Date.now() - bookedAt;
  report.bookedInPage = await page.getByRole("status").filter({ hasText: "Booked:" }).innerText();
  await deskB.getByRole("button", { name: /^Book Charles Babbage/ }).click();
  const conflict = deskB.getByRole("alert").filter({ hasText: "pick another" });
  await conflict.waitFor({ timeout: 10000 });
  report.conflict = await conflict.innerText();
  await deskB.locator(`[data-slot="${slotA}"]`).waitFor({ state: "detached", timeout: 10000 });
  const nextB = await deskB.locator("[data-slot]").first().getAttribute("data-slot");
  await deskB.locator("[data-slot]").first().click();
  await deskB.getByRole("button", { name: /^Book Charles Babbage/ }).click();
  await deskB.getByRole("status").filter({ hasText: "Booked:" }).waitFor({ timeout: 10000 });

  // 7. Desk A checks in with the keyboard; desk B cancels its own booking.
  await page.getByRole("link", { name: "See the day" }).click();
  const mine = page
    .locator(".column", { hasText: "Oliver Sacks" })
    .locator(`[data-time="${slotTime}"][data-status=SCHEDULED] button`);
  await mine.waitFor({ timeout: 15000 });
  await mine.focus();
  await page.keyboard.press("Enter");
  const panel = page.getByRole("dialog");
  await panel.getByText("Scheduled", { exact: true }).waitFor({ timeout: 10000 });
  report.offeredScheduled = await panel.locator(".actions button, form button").allInnerTexts();
  await look(page, "appointment", report);
  await panel.getByRole("button", { name: "Check in" }).click();
  await panel.getByText("Checked in", { exact: true }).waitFor({ timeout: 10000 });
  report.offeredCheckedIn = await panel.locator(".actions button, form button").allInnerTexts();
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "detached", timeout: 5000 });
  const [, nextDate, nextTime] = nextB.split("/");
  await deskB.goto(`${routerUrl}/#/board/${nextDate}`);
  const theirs = deskB
    .locator(".column", { hasText: "Oliver Sacks" })
    .locator(`[data-time="${nextTime}"][data-status=SCHEDULED] button`);
  const theirId = await deskB
    .locator(".column", { hasText: "Oliver Sacks" })
    .locator(`[data-time="${nextTime}"][data-status=SCHEDULED]`)
    .getAttribute("data-appointment");
  await theirs.click();
  const panelB = deskB.getByRole("dialog");
  // Rescheduled to the doctor's first free slot, then cancelled with a reason.
  await panelB.getByRole("button", { name: "Reschedule…" }).click();
  const moveTo = panelB.locator("[data-slot]").first();
  await moveTo.waitFor({ timeout: 10000 });
  const [, movedDate, movedTime] = (await moveTo.getAttribute("data-slot")).split("/");
  await moveTo.click();
  await panelB.getByRole("button", { name: /^Move to/ }).click();
  await panelB.getByRole("region", { name: "Reschedule" }).waitFor({ state: "detached", timeout: 10000 });
  const moved = await api(`query($id: ID!) { appointment(id: $id) { date time status } }`, { id: theirId });
  report.rescheduled = { to: `${movedDate} ${movedTime}`, now: `${moved.appointment.date} ${moved.appointment.time}` };
  await panelB.getByLabel("Reason for cancelling (optional)").fill("feeling better");
  await panelB.getByRole("button", { name: "Cancel the appointment" }).click();
  await panelB.getByText("feeling better").waitFor({ timeout: 10000 });
  report.cancelledByB = await panelB.getByText("Cancelled", { exact: true }).count();

  // 8. Patients.
  await page.getByRole("link", { name: "Patients", exact: true }).click();
  await page.getByRole("button", { name: "Register a patient…" }).click();
  const form = page.getByRole("form", { name: "Register a patient" });
  await form.getByLabel("Name").fill("Grace Brewster");
  await form.getByLabel("Email").fill("grace@example.org");
  await form.getByLabel("Phone").fill("12");
  await form.getByRole("button", { name: "Register" }).click();
  const phoneProblem = form.locator(".field-problem");
  await phoneProblem.waitFor({ timeout: 10000 });
  report.phoneProblem = await phoneProblem.innerText();
  await look(page, "patients", report);
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
  report.frontDeskScreens = await screens(page);

  // 9. The administrator: complete, pay, see it paid; the dashboard's completed count moves.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Front desk: sign in" }).waitFor({ timeout: 5000 });
  report.signedOut = true;
  await signInAs(page, routerUrl, "administrator");
  report.adminScreens = await screens(page);
  await page.getByRole("link", { name: "Dashboard" }).click();
  const completedFigure = page.locator(".figures dt", { hasText: "Completed" }).locator("xpath=following-sibling::dd[1]");
  await completedFigure.waitFor({ timeout: 10000 });
  const completedBefore = Number(await completedFigure.innerText());
  await page.goto(`${routerUrl}/#/board/${slotDate}`);
  const checkedIn = page
    .locator(".column", { hasText: "Oliver Sacks" })
    .locator(`[data-time="${slotTime}"][data-status=CHECKED_IN] button`);
  await checkedIn.click();
  await page.getByRole("dialog").getByRole("button", { name: "Complete" }).click();
  await page.getByRole("dialog").getByText("Completed", { exact: true }).waitFor({ timeout: 10000 });
  await page.keyboard.press("Escape");
  await page.getByRole("link", { name: "Bills" }).click();
  const bill = page.locator("tr[data-bill]", { hasText: "Ada Lovelace" }).first();
  await bill.waitFor({ timeout: 20000 });
  await look(page, "bills", report);
  const billId = await bill.getAttribute("data-bill");
  await bill.getByRole("combobox").selectOption("CREDIT_CARD");
  await bill.getByRole("button", { name: /^Pay:/ }).click();
  await page.locator(`tr[data-bill="${billId}"]`).waitFor({ state: "detached", timeout: 10000 });
  await page.goto(`${routerUrl}/#/patients/${scenario.patientId}`);
  const bills = page.getByRole("region", { name: "Bills" });
  await bills.getByText("Paid", { exact: true }).waitFor({ timeout: 10000 });
  report.patientBills = await bills.innerText();
  await look(page, "patient", report);
  await page.getByRole("link", { name: "Dashboard" }).click();
  const deadline = Date.now() + 15000;
  let completedAfter = completedBefore;
  while (completedAfter === completedBefore && Date.now() < deadline) {
    await page.reload();
    await completedFigure.waitFor({ timeout: 10000 });
    completedAfter = Number(await completedFigure.innerText());
    if (completedAfter === completedBefore) await page.waitForTimeout(500);
  }
  report.completed = { before: completedBefore, after: completedAfter };
  report.utilisation = await page.getByRole("table", { name: "Utilisation per doctor" }).innerText();
  report.charts = await page.locator("figure figcaption").allInnerTexts();
  await look(page, "dashboard", report);
});
