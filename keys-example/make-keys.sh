#!/usr/bin/env bash
# Regenerates the EXAMPLE keys in this directory. They are published in a public repository:
# never use them for anything but the demo and the tests. For a deployment, run
# `eidas-node keys generate --out <dir>` (see README "Keys").
set -euo pipefail
cd "$(dirname "$0")"
days=3650

ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }
rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1.key"; }
cert() { openssl req -new -x509 -key "$1.key" -out "$1.crt" -days "$days" -subj "/CN=$2/O=EXAMPLE ONLY - NOT FOR PRODUCTION"; }
# A CA certificate ($1), and a leaf ($2) it issues (`issued leaf-name CN ca-name`).
ca() { openssl req -new -x509 -key "$1.key" -out "$1.crt" -days "$days" -subj "/CN=$2/O=EXAMPLE ONLY - NOT FOR PRODUCTION" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign; }
issued() {
  openssl req -new -key "$1.key" -subj "/CN=$2/O=EXAMPLE ONLY - NOT FOR PRODUCTION" \
    | openssl x509 -req -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days "$days" -out "$1.crt" \
        -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n')
  rm -f "$3.srl"
}

mkdir -p gateway sim
rm -f gateway/* sim/*

# The gateway (Connector): SAML signing (EC), two decryption keys (EC for ECDH-ES peers,
# RSA for RSA-OAEP peers), the ID token keys (ES256, RS256), the store key and the pairwise-subject key.
ec gateway/saml-signing && cert gateway/saml-signing "eidas-node demo SAML signing"
ec gateway/saml-encryption-ec && cert gateway/saml-encryption-ec "eidas-node demo SAML encryption EC"
rsa gateway/saml-encryption-rsa && cert gateway/saml-encryption-rsa "eidas-node demo SAML encryption RSA"
ec gateway/oidc-signing
rsa gateway/oidc-signing-rs256
openssl rand -hex 32 > gateway/store-encryption.key
openssl rand -hex 32 > gateway/pairwise.key
# The demo e-service's client secret and the SHA-256 the gateway's config holds.
openssl rand -hex 32 | tr -d '\n' > gateway/demo-client.secret
sha256sum gateway/demo-client.secret | cut -d' ' -f1 > gateway/demo-client.secret.sha256
# The demo operator's admin API token (`eidas-node trust … --config deploy/demo/gateway.toml`).
openssl rand -hex 24 > gateway/demo-admin.token
# The wallet relying-party access certificate (`[wallet]`), issued by an EXAMPLE access CA
# (HAIP 1.0 §5: the request object's certificate is not self-signed); the CA key is not kept.
ec gateway/wallet-access-ca && ca gateway/wallet-access-ca "eidas-node demo wallet access CA"
ec gateway/wallet-access && issued gateway/wallet-access "eidas-node demo wallet relying party" gateway/wallet-access-ca
rm -f gateway/wallet-access-ca.key

# The simulated foreign Proxy-Services: XA signs with EC P-256, XB with RSA-3072.
ec sim/xa-signing && cert sim/xa-signing "Testland A (TEST) metadata and response signing"
rsa sim/xb-signing && cert sim/xb-signing "Testland B (TEST) metadata and response signing"
# The test scheme operator that signs the simulator's Metadata Service List (/mdsl).
ec sim/list-operator && cert sim/list-operator "Testland scheme operator (TEST) service list signing"
# The simulated wallet's TEST PID provider (Walletland, XW): its anchor, and its issuing key.
ec sim/pid-ca && ca sim/pid-ca "Walletland PID CA (TEST)"
ec sim/pid-issuer && issued sim/pid-issuer "Walletland PID Provider (TEST)" sim/pid-ca
rm -f sim/pid-ca.key
# The TEST operator that signs the simulated wallet's PID-providers list (/pid-providers).
ec sim/pid-list-operator && cert sim/pid-list-operator "PID providers list operator (TEST)"

chmod 0644 gateway/* sim/*
echo "example keys written to $(pwd)"
