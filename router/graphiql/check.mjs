// Drives the router's GraphiQL page in headless Chromium (Debian's `chromium`, through
// playwright-core) for the router's end-to-end test:
//   node check.mjs <router-url> <token> <doctor-id> <booking-json> <screenshot.png>
// 1. opens GET /graphql signed in (`#token=`), refusing every request that leaves the
//    router (no CDN);
// 2. runs a query and waits for its result in the result pane;
// 3. runs `appointmentUpdated` for the doctor, books through the API, and waits for the
//    update to appear in the pane; takes a screenshot.
// Prints one JSON line: { external: [...], query: "...", subscription: "..." }.
import { chromium } from "playwright-core";

const [routerUrl, token, doctorId, bookingJson, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
const external = [];
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(routerUrl) || url.startsWith(routerUrl.replace("http", "ws"))) {
      return route.continue();
    }
    external.push(url);
    return route.abort();
  });

  const open = async (operation) => {
    await page.goto(`${routerUrl}/graphql?query=${encodeURIComponent(operation)}#token=${token}`);
    await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
    await page.click(".graphiql-execute-button");
  };
  const resultContaining = async (text) => {
    await page.waitForFunction(
      (expected) => document.querySelector(".result-window")?.innerText.includes(expected),
      text,
      { timeout: 30000 },
    );
    return page.innerText(".result-window");
  };

  await open(`{ doctor(id: "${doctorId}") { name specialization } }`);
  const query = await resultContaining("CARDIOLOGY");

  await open(
    `subscription { appointmentUpdated(doctorId: "${doctorId}") { kind appointment { time status } } }`,
  );
  await page.waitForTimeout(2000);
  const booked = await fetch(`${routerUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: bookingJson,
  });
  if (!booked.ok) throw new Error(`booking failed: ${booked.status}`);
  const subscription = await resultContaining("CREATED");
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ external, query, subscription }));
} finally {
  await browser.close();
}
