// Opens the smr-kg query page in headless Chromium (Debian's, driven by playwright-core), picks a
// named query, runs it and prints what the page shows as JSON for tests/test_serve_page.py.
// Every request that would leave this machine is recorded and refused.
// Usage: node check-page.mjs PAGE_URL QUERY_NAME [SCREENSHOT.png]
import { chromium } from "playwright-core";

const [pageUrl, queryName, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.SMR_KG_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const report = { outside: [], errors: [], requests: [] };
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("console", (m) => { if (m.type() === "error") report.errors.push(m.text()); });
  page.on("pageerror", (e) => report.errors.push(String(e)));
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    report.requests.push(url.pathname);
    if (["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) return route.continue();
    report.outside.push(url.href);
    return route.abort();
  });
  await page.goto(pageUrl);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  report.examples = await page.$$eval("#examples button", (b) => b.map((x) => x.dataset.query));
  await page.click(`#examples button[data-query="${queryName}"]`);
  const panel = page.locator(".tabPanel.active");
  report.editor = await panel.locator(".CodeMirror").evaluate((e) => e.CodeMirror.getValue());
  await panel.locator(".yasqe_queryButton").click();
  await panel.locator(".yasr table tbody tr").first().waitFor({ timeout: 20000 });
  report.results = await panel.locator(".yasr").innerText();
  report.rows = await panel.locator(".yasr table tbody tr").count();
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: false });
} catch (error) {
  report.failure = String(error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
