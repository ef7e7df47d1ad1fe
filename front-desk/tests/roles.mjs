// Each role sees what it may, through the front desk in headless Chromium, for the router's
// end-to-end test (router/tests/e2e/front_desk.rs):
//   node tests/roles.mjs <router-url> <scenario.json>
// scenario: { day, patientId, otherPatientId, doctorId, adaAppointment, charlesAppointment }
// (on `day`, Ada Lovelace and Charles Babbage each have an appointment with Grace Hopper,
// `doctorId`, and each a bill.)
// 1. A billing clerk: bills and the dashboard only (no board, so no booking actions), and
//    takes payments.
// 2. A patient (Ada): only her own appointments on the board, her own record (no archive)
//    and bills, and booking for herself only.
// 3. A doctor (Grace): completing and no-shows offered, not checking in or cancelling.
// Every screen gets an accessibility check and, with SCREENSHOTS set, a screenshot.
// Prints one JSON line.
import { readFileSync } from "node:fs";
import { block, guardedContext, look, run, screens, signInAs } from "./lib.mjs";

const [routerUrl, scenarioFile] = process.argv.slice(2);
const scenario = JSON.parse(readFileSync(scenarioFile, "utf8"));
await run(async (browser, report) => {
  // 1. The billing clerk.
  const clerk = await (await guardedContext(browser, routerUrl, report)).newPage();
  await signInAs(clerk, routerUrl, "billing-clerk");
  report.clerkScreens = await screens(clerk);
  await clerk.goto(`${routerUrl}/#/board`);
  await clerk.locator("tr[data-bill]").first().waitFor({ timeout: 15000 });
  report.clerkOnBoardSees = await clerk.getByRole("heading", { level: 2 }).first().innerText();
  report.clerkPayButtons = await clerk.getByRole("button", { name: /^Pay:/ }).count();
  report.clerkBookButtons = await clerk.getByRole("button", { name: /Book|Check in|Cancel/ }).count();

  // 2. The patient, on a tablet.
  const tablet = { width: 1024, height: 768 };
  const patient = await (await guardedContext(browser, routerUrl, report, tablet)).newPage();
  await signInAs(patient, routerUrl, "patient", scenario.patientId);
  report.patientScreens = await screens(patient);
  await patient.goto(`${routerUrl}/#/board/${scenario.day}`);
  await block(patient, scenario.adaAppointment).waitFor({ timeout: 15000 });
  report.patientSeesOwn = await block(patient, scenario.adaAppointment).count();
  report.patientSeesOther = await block(patient, scenario.charlesAppointment).count();
  await look(patient, "patient-board", report);
  await patient.getByRole("link", { name: "My record" }).click();
  await patient.getByRole("heading", { name: "Ada Lovelace" }).waitFor({ timeout: 10000 });
  report.patientRecordActions = await patient.locator(".actions button").allInnerTexts();
  report.patientBackLink = await patient.getByRole("link", { name: "← Patients" }).count();
  await look(patient, "patient-record", report);
  await patient.getByRole("link", { name: "Bills" }).click();
  await patient.locator("tr[data-bill]").first().waitFor({ timeout: 15000 });
  report.patientBillRows = await patient.locator("tr[data-bill] td:first-child").allInnerTexts();
  await patient.getByRole("link", { name: "Book", exact: true }).click();
  await patient.getByText("Booking for Ada Lovelace.").waitFor({ timeout: 10000 });
  report.patientBooksFor = await patient.getByText(/^Booking for/).innerText();

  // 3. The doctor.
  const doctor = await (await guardedContext(browser, routerUrl, report)).newPage();
  await signInAs(doctor, routerUrl, "doctor", scenario.doctorId);
  report.doctorScreens = await screens(doctor);
  await doctor.goto(`${routerUrl}/#/board/${scenario.day}`);
  await block(doctor, scenario.adaAppointment).locator("button").click();
  const panel = doctor.getByRole("dialog");
  await panel.getByText("Scheduled", { exact: true }).waitFor({ timeout: 10000 });
  report.doctorOffered = await panel.locator(".actions button, form button").allInnerTexts();
});
