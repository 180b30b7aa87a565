// Clicks through the demo login in headless Debian Chromium and saves screenshots.
//
// Starts `eidas-node demo` (gateway :8080, simulated countries :8081, demo e-service :8082), then:
//  1. English, JavaScript on: e-service → country page → Testland A → foreign login (Greek
//     identity) → back through the ACS → the e-service shows the verified claims.
//  2. Swedish, JavaScript off: the country page in Swedish, the POST forms submitted by their
//     visible buttons, the test country's page in Swedish, the citizen cancels abroad → our page
//     says so in Swedish → "Return to the e-service" → the e-service gets access_denied.
//  3. Danish error page for an unknown flow, with its reference and the copy button.
//  4. Keyboard only: the whole login with Tab and Enter, the focus visible on our pages.
//  5. Accessibility: axe-core (WCAG 2.1 A and AA rules) on every gateway page (country page,
//     the form that sends the citizen abroad, the error pages, the page after a cancel abroad,
//     "not found") in five languages at a 320 px wide viewport, none may report a violation, and
//     no page may scroll sideways (nor the country page at 200 % zoom).
//  6. The EU Digital Identity Wallet, same-device: the country page offers it first, its page
//     (with the cross-device QR code, screenshot) opens the (simulated) wallet, which asks for
//     consent and brings the citizen back; the e-service shows the claims with `amr` eudi_wallet.
//  7. The same with the example operator theme (`demo --theme deploy/theme-example`): logo,
//     colours, extra stylesheet, footer links and the support contact on the error page.
// Exits non-zero on the first failed expectation.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import assert from "node:assert/strict";

const root = new URL("../..", import.meta.url).pathname;
const bin = process.env.EIDAS_NODE_BIN ?? join(root, "target/debug/eidas-node");
const shots = process.env.SCREENSHOT_DIR ?? join(root, "target/screenshots");
const RP = "http://127.0.0.1:8082";
const GW = "http://127.0.0.1:8080";
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// axe-core on the page as it is: zero WCAG 2.1 A/AA violations, and no sideways scrolling.
async function axeCheck(page, label) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  const found = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(found, [], `${label}: axe-core violations`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `${label}: scrolls sideways by ${wide}px`);
}

let demo;
let demoExited = false;
function startDemo(args) {
  demoExited = false;
  demo = spawn(bin, ["demo", ...args], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  demo.on("exit", () => { demoExited = true; });
}
async function stopDemo() {
  if (demoExited) return;
  const exited = new Promise((r) => demo.once("exit", r));
  demo.kill("SIGTERM");
  await exited;
  // The helpers (simulated country, demo e-service) die with it; wait for their ports.
  for (let i = 0; i < 100; i++) {
    try { await fetch(`${RP}/`); } catch { return; }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the demo e-service did not stop");
}
startDemo([]);

async function waitReady() {
  for (let i = 0; i < 150; i++) {
    if (demoExited) throw new Error("eidas-node demo exited early");
    try {
      const [gw, rp] = await Promise.all([fetch(`${GW}/readyz`), fetch(`${RP}/`)]);
      if (gw.status === 200 && rp.status === 200) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("demo did not become ready");
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

// Every page a citizen sees: a language, exactly one h1, no form control without a label/name.
async function checkPage(page, lang) {
  assert.equal(await page.getAttribute("html", "lang"), lang, `lang on ${page.url()}`);
  assert.equal(await page.locator("h1").count(), 1, `one h1 on ${page.url()}`);
}

let browser;
try {
  await waitReady();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });

  // 1. English, JavaScript on, full login.
  {
    const ctx = await browser.newContext({ locale: "en-GB" });
    const page = await ctx.newPage();
    await page.goto(`${RP}/`);
    await shot(page, "01-eservice");
    await page.getByRole("button", { name: "Log in with your European eID" }).click();
    await page.waitForURL(/127\.0\.0\.1:8080\/login\?flow=/);
    await checkPage(page, "en");
    await page.getByRole("heading", { name: "Choose your country" }).waitFor();
    const countries = page.locator("ul.countries button");
    assert.equal(await countries.count(), 2, "both test countries offered");
    await shot(page, "02-country-selection-en");
    // The filter narrows the list as one types (filter.js), ignoring case and accents, and says
    // so when nothing matches; emptied, every country is back.
    const filter = page.getByLabel("Find your country");
    await filter.fill("testland b");
    assert.equal(await page.locator("ul.countries li:not([hidden])").count(), 1, "filter narrows");
    assert.ok(await page.getByRole("button", { name: /Testland B/ }).isVisible());
    assert.ok(!(await page.getByRole("button", { name: /Testland A/ }).isVisible()));
    await filter.fill("atlantis");
    assert.ok(await page.getByText("No country matches your search.").isVisible());
    await filter.fill("");
    assert.equal(await page.locator("ul.countries li:not([hidden])").count(), 2, "filter emptied");
    // Help for a missing country opens without leaving the page.
    await page.getByText("My country is not in the list").click();
    assert.ok(await page.getByText(/temporarily withdrawn/).isVisible());
    await page.getByRole("button", { name: /Testland A/ }).click();
    // The auto-submitting form carries us to the simulated foreign login at once.
    await page.waitForURL(/127\.0\.0\.1:8081\/xa\/sso/);
    await shot(page, "03-foreign-login");
    await page.getByLabel(/Ελένη Παπαδοπούλου/).check();
    await page.getByLabel("Level of assurance").selectOption("substantial");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(/127\.0\.0\.1:8082\/callback/);
    await page.getByRole("heading", { name: "You are logged in" }).waitFor();
    const text = await page.locator("main, body").first().innerText();
    for (const expected of ["Ελένη", "Eleni", "Παπαδοπούλου", "Papadopoulou", "1985-03-25",
      "XA", "http://eidas.europa.eu/LoA/substantial", "eidas_person_identifier"]) {
      assert.ok(text.includes(expected), `claims page shows ${expected}`);
    }
    await shot(page, "04-claims");
    await ctx.close();
  }

  // 2. Swedish, JavaScript off: forms work by their buttons; cancel abroad → access_denied.
  {
    const ctx = await browser.newContext({ locale: "sv-SE", javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${RP}/`);
    await page.getByRole("button", { name: "Log in with your European eID" }).click();
    await page.waitForURL(/\/login\?flow=/);
    await checkPage(page, "sv");
    await page.getByRole("heading", { name: "Välj ditt land" }).waitFor();
    assert.ok((await page.innerText("body")).includes("testland"), "test countries are marked");
    await shot(page, "05-country-selection-sv");
    await page.getByRole("button", { name: /Testland B/ }).click();
    await checkPage(page, "sv");
    await page.getByRole("heading", { name: "Du skickas vidare till ditt lands inloggning" }).waitFor();
    await shot(page, "06-post-form-without-javascript-sv");
    await page.getByRole("button", { name: "Fortsätt" }).click();
    await page.waitForURL(/127\.0\.0\.1:8081\/xb\/sso/);
    // The test country speaks the citizen's language too.
    assert.equal(await page.getAttribute("html", "lang"), "sv");
    await shot(page, "06b-foreign-login-sv");
    await page.getByRole("button", { name: "Avbryt (neka samtycke)" }).click();
    await page.getByRole("button", { name: "Fortsätt" }).click();
    // Back at the gateway: what happened, what to try, and the ways on.
    await page.waitForURL(/127\.0\.0\.1:8080\/resume\?r=/);
    await checkPage(page, "sv");
    await page.getByRole("heading", { name: "Inloggningen avbröts" }).waitFor();
    assert.ok(await page.getByRole("link", { name: "Försök igen" }).isVisible());
    await shot(page, "07-cancelled-abroad-sv");
    // Reloading shows the same page.
    await page.reload();
    await page.getByRole("heading", { name: "Inloggningen avbröts" }).waitFor();
    await page.getByRole("button", { name: "Tillbaka till e-tjänsten" }).click();
    await page.waitForURL(/127\.0\.0\.1:8082\/callback/);
    await page.getByRole("heading", { name: "Login did not succeed" }).waitFor();
    assert.ok((await page.innerText("body")).includes("access_denied"));
    await shot(page, "07b-cancelled-eservice");
    // Back to our page after the login ended: it says the session has ended, no dead end.
    await page.goBack();
    await page.getByRole("heading", { name: "Din inloggningssession har avslutats" }).waitFor();
    await ctx.close();
  }

  // 3. Danish error page with a reference for an unknown flow.
  {
    const ctx = await browser.newContext({ locale: "da-DK" });
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: GW });
    const page = await ctx.newPage();
    const resp = await page.goto(`${GW}/login?flow=unknown-flow`);
    assert.equal(resp.status(), 400);
    await checkPage(page, "da");
    await page.getByRole("heading", { name: "Din login-session er udløbet" }).waitFor();
    const ref = await page.locator("code.reference").innerText();
    assert.match(ref, /^[0-9a-f]{16}$/);
    // The reference is copied with one press (copy.js; without scripts the button stays hidden).
    await page.getByRole("button", { name: "Kopiér reference" }).click();
    await page.getByText("Referencen er kopieret").waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), ref);
    await shot(page, "08-error-da");
    await ctx.close();
  }
  // 4. Keyboard only, through the whole login: Tab to each control, Enter to use it; every
  //    control of ours that gets the focus shows it.
  {
    const ctx = await browser.newContext({ locale: "en-GB" });
    const page = await ctx.newPage();
    const tabTo = async (name, ours) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press("Tab");
        const f = await page.evaluate(() => {
          const el = document.activeElement;
          const st = el ? getComputedStyle(el) : null;
          return el ? { text: (el.innerText || el.value || "").trim(), outline: st.outlineStyle, width: st.outlineWidth } : null;
        });
        if (ours && f) assert.ok(f.outline !== "none" && f.width !== "0px", `visible focus on "${f.text}"`);
        if (f && name.test(f.text)) return;
      }
      throw new Error(`no control ${name} reachable with Tab on ${page.url()}`);
    };
    await page.goto(`${RP}/`);
    await tabTo(/Log in with your European eID/, false);
    await page.keyboard.press("Enter");
    await page.waitForURL(/127\.0\.0\.1:8080\/login\?flow=/);
    await tabTo(/Testland A/, true);
    await page.keyboard.press("Enter");
    await page.waitForURL(/127\.0\.0\.1:8081\/xa\/sso/);
    await tabTo(/^Log in$/, false);
    await page.keyboard.press("Enter");
    await page.waitForURL(/127\.0\.0\.1:8082\/callback/);
    await page.getByRole("heading", { name: "You are logged in" }).waitFor();
    await ctx.close();
  }

  // 5. Accessibility in five languages at 320 px (axe is injected, so the page's CSP is
  //    bypassed in this context only; the autosubmit script is held back so the form that sends
  //    the citizen abroad can be checked as it shows).
  for (const lang of ["en", "de", "el", "pl", "ga"]) {
    const ctx = await browser.newContext({
      locale: lang, bypassCSP: true, viewport: { width: 320, height: 640 },
    });
    const page = await ctx.newPage();
    await page.route("**/static/autosubmit.js", (r) => r.abort());
    await page.goto(`${RP}/`);
    await page.getByRole("button", { name: "Log in with your European eID" }).click();
    await page.waitForURL(/127\.0\.0\.1:8080\/login\?flow=/);
    const flow = new URL(page.url()).searchParams.get("flow");
    await page.goto(`${GW}/login?flow=${flow}&lang=${lang}`);
    await checkPage(page, lang);
    await axeCheck(page, `country page (${lang})`);
    // 200 % zoom of a 1280 px window lays the page out 640 px wide: nothing may scroll sideways.
    await page.setViewportSize({ width: 640, height: 480 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `country page (${lang}) at 200 % zoom scrolls sideways by ${wide}px`);
    await page.setViewportSize({ width: 320, height: 640 });
    await page.locator("details.missing summary").click();
    await axeCheck(page, `country page with help open (${lang})`);
    await shot(page, `09-country-selection-320px-${lang}`);
    // The wallet's page (the wallet link is not followed here).
    await page.locator("form.wallet button").click();
    await page.waitForURL(/127\.0\.0\.1:8080\/wallet\/wait\?/);
    await checkPage(page, lang);
    await axeCheck(page, `wallet page (${lang})`);
    await shot(page, `16-wallet-320px-${lang}`);
    await page.goto(`${GW}/login?flow=${flow}&lang=${lang}`);
    // A country this login cannot use (a tampered choice): the error page with the way back.
    await page.evaluate(() => { document.querySelector("ul.countries button").value = "ZZ"; });
    await page.locator("ul.countries button").first().click();
    await page.waitForURL(/127\.0\.0\.1:8080\/login$/);
    await checkPage(page, lang);
    assert.ok(await page.locator("form[action='/login/cancel'] button").isVisible(), "the way back");
    await axeCheck(page, `error page with the way back (${lang})`);
    await shot(page, `11-error-way-back-320px-${lang}`);
    await page.goto(`${GW}/login?flow=${flow}&lang=${lang}`);
    await page.locator("ul.countries button").first().click();
    await page.waitForURL(/127\.0\.0\.1:8080\/login$/);
    await checkPage(page, lang);
    await axeCheck(page, `sending abroad (${lang})`);
    // Abroad (the test country in the same language), cancelled: our page says so.
    await page.locator("#autosubmit button").click();
    await page.waitForURL(/127\.0\.0\.1:8081\/x[ab]\/sso/);
    assert.equal(await page.getAttribute("html", "lang"), lang, "the test country's language");
    await shot(page, `13-foreign-login-320px-${lang}`);
    await page.locator("button[value=cancel]").click();
    await page.locator("form button[type=submit]").click();
    await page.waitForURL(/127\.0\.0\.1:8080\/resume\?r=/);
    await checkPage(page, lang);
    assert.ok(await page.locator("form[action='/login/cancel'] button").isVisible(), "the way back");
    await axeCheck(page, `cancelled abroad (${lang})`);
    await shot(page, `12-cancelled-320px-${lang}`);
    const resp = await page.goto(`${GW}/login?flow=unknown-flow&lang=${lang}`);
    assert.equal(resp.status(), 400);
    await checkPage(page, lang);
    await axeCheck(page, `error page (${lang})`);
    await shot(page, `10-error-320px-${lang}`);
    await page.goto(`${GW}/no-such-page?lang=${lang}`);
    await axeCheck(page, `not found (${lang})`);
    await ctx.close();
  }
  // 6. The EU Digital Identity Wallet, same-device, through the simulated wallet's consent page
  //    (axe is injected: this context bypasses the page's CSP).
  {
    const ctx = await browser.newContext({ locale: "en-GB", bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${RP}/`);
    await page.getByRole("button", { name: "Log in with your European eID" }).click();
    await page.waitForURL(/127\.0\.0\.1:8080\/login\?flow=/);
    await page.getByRole("button", { name: "EU Digital Identity Wallet" }).click();
    await page.getByRole("heading", { name: "Log in with your EU Digital Identity Wallet" }).waitFor();
    // The cross-device QR code, with its text alternative.
    assert.ok(await page.getByRole("img", { name: "QR code for your wallet" }).isVisible(), "QR code");
    await axeCheck(page, "wallet page with its QR code (en)");
    await shot(page, "17-wallet-en");
    await page.getByRole("link", { name: "Open my wallet" }).click();
    await page.waitForURL(/127\.0\.0\.1:8083\/authorize/);
    await page.getByRole("heading", { name: "Share your PID?" }).waitFor();
    await shot(page, "18-wallet-consent");
    await page.getByRole("button", { name: "Share" }).click();
    await page.waitForURL(/127\.0\.0\.1:8082\/callback/);
    await page.getByRole("heading", { name: "You are logged in" }).waitFor();
    const text = await page.locator("main, body").first().innerText();
    for (const expected of ["eudi_wallet", "Kowalska", "1990-01-31", "XW/PID/ntrxw-0001/XW-77"]) {
      assert.ok(text.includes(expected), `wallet claims page shows ${expected}`);
    }
    await shot(page, "19-wallet-claims");
    // Cross device: the page waits (wallet.js polls) while a "phone" opens the QR code's link in
    // the wallet simulator's scan form and shares; the waiting page then continues by itself.
    await page.goto(`${RP}/`);
    await page.getByRole("button", { name: "Log in with your European eID" }).click();
    await page.getByRole("button", { name: "EU Digital Identity Wallet" }).click();
    await page.getByRole("img", { name: "QR code for your wallet" }).waitFor();
    const link = await page.getByRole("link", { name: "Link for your wallet on another device" }).getAttribute("href");
    const phone = await browser.newContext({ locale: "en-GB" });
    const p2 = await phone.newPage();
    await p2.goto("http://127.0.0.1:8083/");
    await p2.getByLabel(/Scanned link/).fill(link);
    await p2.getByRole("button", { name: "Open" }).click();
    await p2.getByRole("heading", { name: "Share your PID?" }).waitFor();
    assert.ok((await p2.innerText("body")).includes("x509_hash:"), "the scanned request shows the verifier");
    await shot(p2, "20-wallet-scanned-request");
    await p2.getByRole("button", { name: "Share" }).click();
    await p2.getByRole("heading", { name: "Answer sent" }).waitFor();
    await phone.close();
    await page.waitForURL(/127\.0\.0\.1:8082\/callback/, { timeout: 15000 });
    await page.getByRole("heading", { name: "You are logged in" }).waitFor();
    assert.ok((await page.innerText("body")).includes("eudi_wallet"), "cross-device login");
    await ctx.close();
  }

  // 7. The example operator theme: branded pages stay free of violations, at 320 px too.
  await stopDemo();
  startDemo(["--theme", "deploy/theme-example"]);
  await waitReady();
  for (const lang of ["en", "de"]) {
    const ctx = await browser.newContext({
      locale: lang, bypassCSP: true, viewport: { width: 320, height: 640 },
    });
    const page = await ctx.newPage();
    await page.goto(`${RP}/`);
    await page.getByRole("button", { name: "Log in with your European eID" }).click();
    await page.waitForURL(/127\.0\.0\.1:8080\/login\?flow=/);
    await checkPage(page, lang);
    const site = lang === "de" ? "eID-Zugang der Republik Testland" : "Republic of Testland eID gateway";
    assert.ok((await page.locator("header .site").innerText()).includes(site), "the theme's name");
    assert.ok(await page.locator("header img.logo").isVisible(), "the theme's logo");
    assert.equal(await page.locator("header").evaluate((h) => getComputedStyle(h).backgroundColor),
      "rgb(0, 89, 79)", "the theme's accent");
    await axeCheck(page, `themed country page (${lang})`);
    await shot(page, `14-themed-country-320px-${lang}`);
    await page.goto(`${GW}/login?flow=unknown-flow&lang=${lang}`);
    assert.ok(await page.locator("p.support a[href^='mailto:']").isVisible(), "support contact");
    await axeCheck(page, `themed error page (${lang})`);
    await shot(page, `15-themed-error-320px-${lang}`);
    await ctx.close();
  }
  console.log(`browser test passed; screenshots in ${shots}`);
} catch (e) {
  console.error(`browser test FAILED: ${e.stack ?? e}`);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  if (demo && !demoExited) demo.kill("SIGTERM");
}
