#!/usr/bin/env bash
# The README's test command. Installs what the tests need on a fresh Debian machine, starts a
# loopback redis-server, then runs format, lint and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pkg-config >/dev/null || need+=(pkg-config)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
# libxml2's XML Schema validator (node/xsd), linked through pkg-config.
dpkg -s libxml2-dev >/dev/null 2>&1 || need+=(libxml2-dev)
command -v redis-server >/dev/null || need+=(redis-server)
# Sentinel failover tests (tests/tests/gateway/redis_ha.rs); redis-cli builds the test Cluster.
command -v redis-sentinel >/dev/null || need+=(redis-sentinel)
command -v redis-cli >/dev/null || need+=(redis-tools)
# PKCS#11 keys (node/src/keys/pkcs11), tested against SoftHSM2.
command -v softhsm2-util >/dev/null || need+=(softhsm2)
# Unicode CLDR, for the provenance test of the vendored country names (node/src/country_names.tsv).
[ -d /usr/share/unicode/cldr/common/main ] || need+=(unicode-cldr-core)
command -v xmlsec1 >/dev/null || need+=(xmlsec1)
# The Debian originals of the vendored OASIS/W3C schemas (node/schemas), for the provenance test.
[ -d /usr/share/xml/opensaml ] || need+=(opensaml-schemas)
[ -d /usr/share/xml/xmltooling ] || need+=(xmltooling-schemas)
command -v python3 >/dev/null || need+=(python3 python3-pip)
# PyYAML: the deployment files (alert rules) are parsed by a black-box test.
python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
command -v cc >/dev/null || need+=(build-essential)
# Headless browser test (tests/browser): Debian's Chromium driven by playwright-core.
command -v chromium >/dev/null || need+=(chromium)
command -v npm >/dev/null || need+=(nodejs npm)
# Apache mod_auth_openidc, an independent relying party (tests/tests/gateway/relying_parties.rs).
[ -x /usr/sbin/apache2 ] || need+=(apache2)
[ -f /usr/lib/apache2/modules/mod_auth_openidc.so ] || need+=(libapache2-mod-auth-openidc)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# The independent Python relying party (tests/oidc-rp-python) needs Authlib; under CI its test fails
# rather than skips when Authlib is missing. PEP 668 systems need --break-system-packages.
# python-xmlsec (tests/xmlsec-python) is the independent peer for RSA-PSS and xmlenc11 RSA-OAEP;
# sd-jwt, pyMDOC-CBOR and pycose (tests/wallet-python) the independent PID provider and wallet.
if ! python3 -c 'import authlib, requests, xmlsec, lxml, sd_jwt, jwcrypto, pymdoccbor, pycose' 2>/dev/null; then
  for req in tests/oidc-rp-python/requirements.txt tests/xmlsec-python/requirements.txt \
    tests/wallet-python/requirements.txt; do
    python3 -m pip install --quiet -r "$req" 2>/dev/null \
      || python3 -m pip install --quiet --break-system-packages -r "$req"
  done
fi

# A private redis-server on a free loopback port, stopped on exit.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis_dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$redis_dir" --daemonize yes \
  --pidfile "$redis_dir/redis.pid" >/dev/null
trap 'kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null || true; rm -rf "$redis_dir" "${softhsm_dir:-}"' EXIT
export TEST_REDIS_URL="redis://127.0.0.1:$port"

# A private SoftHSM2 token directory for the PKCS#11 tests (each test initializes its own token).
softhsm_dir=$(mktemp -d)
mkdir -p "$softhsm_dir/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
  "$softhsm_dir" >"$softhsm_dir/softhsm2.conf"
export SOFTHSM2_CONF="$softhsm_dir/softhsm2.conf"

# Node openid-client, another independent relying party (tests/oidc-rp-node), pinned by its lock file.
(cd tests/oidc-rp-node && npm ci --no-audit --no-fund --silent)

# A CI run builds once from clean: incremental caches would only cost disk.
[ -z "${CI:-}" ] || export CARGO_INCREMENTAL=0

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked

# The citizen's pages in a real browser: `eidas-node demo` clicked through in headless Chromium
# (uses loopback ports 8080-8082). Screenshots land in target/screenshots/.
(cd tests/browser && npm ci --no-audit --no-fund --silent)
EIDAS_NODE_BIN="$(realpath "${CARGO_TARGET_DIR:-target}")/debug/eidas-node" node tests/browser/login.mjs
