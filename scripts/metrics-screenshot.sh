#!/usr/bin/env bash
# Reproduces deploy/grafana/load-run.png: the demo under load from eidas-loadgen (normal logins,
# then the simulated countries failing, then refused answers, then normal again), scraped by a
# real Prometheus (Debian package) with deploy/prometheus/alerts.yml loaded, and the dashboard's
# main queries screenshot in headless Chromium. Takes about seven minutes. Uses ports 8080-8082,
# 9090 (the demo) and 9099 (Prometheus).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v prometheus >/dev/null || need+=(prometheus)
command -v chromium >/dev/null || need+=(chromium)
command -v npm >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
cargo build --release --workspace --locked
(cd tests/browser && npm ci --no-audit --no-fund --silent)
bin="$(realpath "${CARGO_TARGET_DIR:-target}")/release"

work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$bin/eidas-node" demo >"$work/demo.out" 2>"$work/demo.err" &
pids+=($!)
for _ in $(seq 100); do curl -sf http://127.0.0.1:8080/readyz >/dev/null && break; sleep 0.3; done

cat >"$work/prometheus.yml" <<CONF
global: { scrape_interval: 2s, evaluation_interval: 5s }
rule_files: ["$PWD/deploy/prometheus/alerts.yml"]
scrape_configs:
  - job_name: eidas-node
    authorization: { credentials_file: "$PWD/keys-example/gateway/demo-admin.token" }
    static_configs: [{ targets: ["127.0.0.1:9090"] }]
CONF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address=127.0.0.1:9099 >"$work/prometheus.log" 2>&1 &
pids+=($!)
sleep 3

load() { # seconds, country
  local until=$((SECONDS + $1))
  while [ $SECONDS -lt $until ]; do
    "$bin/eidas-loadgen" --gateway http://127.0.0.1:8080 --client-id demo-eservice \
      --client-secret "$(cat keys-example/gateway/demo-client.secret)" \
      --redirect-uri http://127.0.0.1:8082/callback --country "$2" -n 40 -c 4 >/dev/null 2>&1 || true
    sleep 1
  done
}
control() { curl -sf -d "$1" http://127.0.0.1:8081/control >/dev/null; }

control "fault=none"
load 90 XA & a=$!; load 90 XB; wait "$a"
control "fault=status-authn-failed"      # the countries' services fail
load 45 XB
control "fault=wrong-audience"           # answers we refuse
load 30 XA
control "fault=none"
load 90 XA & a=$!; load 90 XB; wait "$a"
sleep 5
node tests/browser/metrics-screenshot.mjs http://127.0.0.1:9099 deploy/grafana/load-run.png
