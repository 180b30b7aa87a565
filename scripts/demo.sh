#!/usr/bin/env bash
# The README's demo command: installs build dependencies on Debian if missing, builds the
# workspace, and runs `eidas-node demo` (gateway :8080, simulated countries :8081, demo
# e-service :8082, all on loopback). Open http://127.0.0.1:8082/ and log in.
# Set REDIS_URL=redis://127.0.0.1:6379 to keep the flow state in Redis instead of memory.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v cc >/dev/null || need+=(build-essential)
command -v pkg-config >/dev/null || need+=(pkg-config)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
# libxml2's XML Schema validator (node/xsd), linked through pkg-config.
dpkg -s libxml2-dev >/dev/null 2>&1 || need+=(libxml2-dev)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --release --workspace --locked
exec "${CARGO_TARGET_DIR:-target}/release/eidas-node" demo "$@"
