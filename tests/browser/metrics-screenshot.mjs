// Screenshots Prometheus' own graph page with the Grafana dashboard's main queries, after a
// load run (scripts/metrics-screenshot.sh drives it). Grafana is not packaged for Debian, so the
// same PromQL is shown in the Prometheus UI: the figures are the dashboard's.
//   node metrics-screenshot.mjs PROMETHEUS_URL OUT.png
import { chromium } from "playwright-core";

const [prom, out] = process.argv.slice(2);
const panels = [
  // Login outcomes per minute (dashboard: "Login outcomes per minute").
  'sum by (event) (rate(eidas_login_events_total{event!="authorized"}[1m])) * 60',
  // Success rate per country (dashboard: "Login success rate per country").
  'sum by (country) (rate(eidas_login_events_total{event="completed"}[1m])) / sum by (country) (rate(eidas_login_events_total{event=~"completed|rejected|peer_failure|unavailable|abandoned"}[1m]))',
  // p99 latency per hop (dashboard: "p99 latency per hop").
  'histogram_quantile(0.99, sum by (le, route) (rate(eidas_http_request_duration_seconds_bucket{route=~"/authorize|/login|/saml/acs|/resume|/token"}[1m])))',
  // State store p99 per operation (dashboard: "State store p99 and errors").
  'histogram_quantile(0.99, sum by (le, op) (rate(eidas_store_operation_duration_seconds_bucket[1m])))',
];
const params = panels
  .map((e, i) => `g${i}.expr=${encodeURIComponent(e)}&g${i}.tab=0&g${i}.range_input=6m&g${i}.stacked=0`)
  .join("&");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});
// Tall enough for all four graphs, so the sticky header stays at the top of the picture.
const page = await browser.newPage({ viewport: { width: 1280, height: 3300 } });
await page.goto(`${prom}/graph?${params}`);
await page.waitForTimeout(4000);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
console.log(`wrote ${out}`);
