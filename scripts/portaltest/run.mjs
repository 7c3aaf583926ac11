// Browser test of the developer portal, in real headless Chromium driven by
// playwright-core; cmd/gatewaygen/portal_browser_test.go starts a generated
// petstore gateway and a backend, then runs this script with:
//   BASE       the gateway's origin, e.g. http://127.0.0.1:41234
//   DOCS       the portal's path on it (/docs)
//   FILE_ROOT  a directory gatewaygen docs wrote, opened through file://
//   CHROMIUM   the browser's executable
//   API_KEY    a key the gateway accepts for petsKey
//   ARTIFACTS  where screenshots go (test artifacts, never committed)
// It prints one line per check and exits 1 when any fails.
import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const BASE = env("BASE"), DOCS = env("DOCS"), FILE_ROOT = env("FILE_ROOT");
const CHROMIUM = env("CHROMIUM"), API_KEY = env("API_KEY"), ARTIFACTS = env("ARTIFACTS");
mkdirSync(ARTIFACTS, { recursive: true });

let failures = 0;
function check(ok, what, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${!ok && detail !== undefined ? ": " + detail : ""}`);
  if (!ok) failures++;
}

// A fresh profile for every run (playwright passes it as --user-data-dir).
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "portal-chromium-")), {
  executablePath: CHROMIUM,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  timeout: 60000,
});

// axe scans a page and returns its serious and critical violations.
async function axe(page, name) {
  await page.evaluate(axeSource);
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = res.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `axe on ${name}: no serious or critical violation`,
    JSON.stringify(bad.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target) }))));
  return res.violations.length;
}

try {
  const requests = [];
  const page = await ctx.newPage();
  page.on("request", (r) => requests.push(r.url()));
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // The API's own 4xx answers to try-it are logged by the browser as
  // failed loads; anything else in the console is an error of the portal.
  page.on("console", (m) => {
    if (m.type() === "error" && !new URL(m.location().url || BASE, BASE).pathname.startsWith("/v1/")) errors.push(m.text() + " " + m.location().url);
  });
  page.setDefaultTimeout(15000);

  // The overview, served by the gateway.
  const first = await page.goto(BASE + DOCS);
  check(first.ok() && page.url() === BASE + DOCS + "/", "the docs path redirects to the overview", page.url());
  check((await page.title()).includes("Petstore"), "the overview is the petstore's", await page.title());
  check(await page.locator("main h1").count() === 1 && await page.locator("nav[aria-label]").count() === 1 &&
    await page.locator("header").count() >= 1 && await page.locator("[role=search]").count() === 1, "landmarks: header, nav, main, search");
  await axe(page, "the overview");
  await page.screenshot({ path: join(ARTIFACTS, "overview.png"), fullPage: true });

  // Search with the keyboard: "/" focuses the box, arrows pick, Enter opens.
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement && document.activeElement.id === "q"), "/ focuses the search box");
  await page.keyboard.type("replace pet");
  await page.locator("#q-results li").first().waitFor();
  const hits = await page.locator("#q-results li").allTextContents();
  check(hits.length > 0 && hits[0].includes("PUT"), "searching 'replace pet' finds updatePet first", JSON.stringify(hits));
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  check(await page.locator("#q-results li[aria-selected=true]").count() === 1, "arrow keys select one result");
  await Promise.all([page.waitForURL(/\/op\/UpdatePet\.html$/), page.keyboard.press("Enter")]);
  check(page.url().endsWith("/op/UpdatePet.html"), "Enter opens the operation", page.url());
  check(await page.locator("h1").textContent().then((t) => t.includes("/v1/pets/{petId}")), "its page names method and path");

  // A property search: parameter and property names are indexed too.
  await page.locator("#q").fill("vaccinated");
  await page.locator("#q-results li").first().waitFor();
  const propHits = await page.locator("#q-results li").allTextContents();
  check(propHits.some((h) => h.includes("/v1/pets")), "a property name finds the operations that take it", JSON.stringify(propHits));
  await page.locator("#q").fill("");

  // Expand a nested schema: the owner object of the request body.
  const owner = page.locator("#request-body ~ section details", { has: page.locator("summary .pn", { hasText: "owner" }) }).first();
  const phone = owner.locator(".pn", { hasText: "phone" });
  check(!(await phone.isVisible()), "nested properties start folded");
  await owner.locator("summary").first().click();
  check(await phone.isVisible(), "opening owner shows its properties");

  // Try it, valid: an API key, the sample body.
  await page.getByLabel(/petsKey/).fill(API_KEY);
  await page.locator("form.try button[type=submit]").click();
  await page.locator(".try-out .st").first().waitFor();
  let status = await page.locator(".try-out .st").first().textContent();
  check(status.includes("Status 200"), "try-it with a valid request answers 200", status);
  check((await page.locator(".try-out").textContent()).toLowerCase().includes("x-request-id"), "try-it shows the response headers");
  await page.screenshot({ path: join(ARTIFACTS, "try-valid.png"), fullPage: true });

  // Try it, invalid body: a problem+json with its locations highlighted.
  await page.locator("#t-body").fill('{"name": "", "status": "lost"}');
  await page.locator("form.try button[type=submit]").click();
  await page.locator(".try-out mark.loc").first().waitFor();
  status = await page.locator(".try-out .st").first().textContent();
  check(status.includes("Status 400"), "try-it with an invalid body answers 400", status);
  const locs = await page.locator(".try-out mark.loc").allTextContents();
  check(locs.includes("/body/name") && locs.includes("/body/status"), "the problem's locations are highlighted", JSON.stringify(locs));
  check(await page.locator("#t-body[aria-invalid=true]").count() === 1, "the body field is marked invalid");

  // Try it, invalid parameter on another operation, without credentials.
  await page.goto(BASE + DOCS + "/op/ListPets.html");
  const limit = page.locator("input[data-name=limit]");
  await limit.fill("limit=500");
  await page.locator("form.try button[type=submit]").click();
  await page.locator(".try-out mark.loc").first().waitFor();
  check((await page.locator(".try-out mark.loc").allTextContents()).includes("query.limit"), "query.limit is named");
  check(await limit.getAttribute("aria-invalid") === "true", "the limit field is marked invalid");
  await axe(page, "an operation with try-it output");

  // Theme: the toggle switches, and the page's colours follow.
  await page.goto(BASE + DOCS + "/op/UpdatePet.html");
  const facts = await page.locator("dl.facts").innerText();
  check(facts.includes("Rate limits") && facts.includes("10 requests a second, bursts of 20, per client address"), "the page states its rate limits", facts);
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const before = await bg();
  const toggle = page.locator("button.theme");
  const pressed = await toggle.getAttribute("aria-pressed");
  await toggle.click();
  check(await toggle.getAttribute("aria-pressed") !== pressed && (await bg()) !== before, "the theme toggle switches the colours", before + " → " + (await bg()));
  await axe(page, "an operation in the other theme");
  await page.screenshot({ path: join(ARTIFACTS, "theme.png"), fullPage: true });

  // Every request went to the gateway's own origin.
  const foreign = requests.filter((u) => new URL(u).origin !== BASE);
  check(foreign.length === 0, `all ${requests.length} requests stayed on the origin`, JSON.stringify(foreign));
  check(errors.length === 0, "no script error or CSP report in the console", JSON.stringify(errors));

  // The same site from file://: pages and scripts load, try-it says why it
  // is off, and nothing is fetched from anywhere.
  const frequests = [];
  const fpage = await ctx.newPage();
  fpage.on("request", (r) => frequests.push(r.url()));
  await fpage.goto(pathToFileURL(join(FILE_ROOT, "op", "CreatePet.html")).href);
  await fpage.locator(".search").waitFor({ state: "visible" });
  check(await fpage.locator(".try-off").isVisible(), "from file://, try-it explains it needs the gateway");
  await fpage.locator("#q").fill("inventory");
  await fpage.locator("#q-results li").first().waitFor();
  check((await fpage.locator("#q-results li").count()) > 0, "from file://, search works");
  const notFile = frequests.filter((u) => !u.startsWith("file://"));
  check(notFile.length === 0, "from file://, nothing but files is requested", JSON.stringify(notFile));
} catch (e) {
  check(false, "the run", e && e.stack ? e.stack : String(e));
} finally {
  await ctx.close();
}
process.exit(failures ? 1 : 0);
