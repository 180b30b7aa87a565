#!/usr/bin/env python3
"""An independent relying party (Python, Authlib) against eidas-node's OpenID Provider.

Runs discovery, the authorization code flow with PKCE S256 through the test login step,
client_secret_basic at /token, verifies the ID token (signature against /jwks, iss, aud, exp,
nonce, at_hash) and calls /userinfo. Prints OK on success; exits non-zero on any failure.

usage: rp.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI
"""
import json
import sys
import warnings
from urllib.parse import urljoin

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

warnings.simplefilter("ignore")  # authlib.jose deprecation notices must not pollute the output
from authlib.jose import JsonWebKey, jwt  # noqa: E402
from authlib.oidc.core import CodeIDToken  # noqa: E402


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def main(issuer, client_id, client_secret, redirect_uri):
    meta = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    if meta["issuer"] != issuer:
        fail("issuer mismatch in discovery")
    if "S256" not in meta["code_challenge_methods_supported"]:
        fail("S256 not advertised")

    session = OAuth2Session(
        client_id,
        client_secret,
        scope="openid eidas:attribute:current_address",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    verifier = generate_token(64)
    nonce = generate_token(20)
    url, state = session.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce, acr_values="substantial"
    )

    # Browser-less: /authorize -> login step -> redirect_uri (never contacted; we read Location).
    r = requests.get(url, allow_redirects=False, timeout=10)
    if r.status_code not in (302, 303):
        fail(f"/authorize answered {r.status_code}")
    r = requests.get(urljoin(issuer, r.headers["Location"]), allow_redirects=False, timeout=10)
    callback = r.headers.get("Location", "")
    if not callback.startswith(redirect_uri):
        fail(f"login step did not return to redirect_uri: {r.status_code}")

    token = session.fetch_token(meta["token_endpoint"], authorization_response=callback, code_verifier=verifier)

    jwks = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
    claims = jwt.decode(
        token["id_token"],
        jwks,
        claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": issuer}},
        claims_params={"nonce": nonce, "client_id": client_id, "access_token": token["access_token"]},
    )
    claims.validate()
    if claims.header.get("alg") != "ES256" or not claims.header.get("kid"):
        fail("ID token must be ES256 with a kid")
    for name in ("acr", "amr", "auth_time", "at_hash", "given_name", "family_name", "birthdate", "address"):
        if name not in claims:
            fail(f"ID token lacks {name}")

    userinfo = session.get(meta["userinfo_endpoint"], timeout=10).json()
    if userinfo.get("sub") != claims["sub"]:
        fail("userinfo sub differs from ID token sub")

    # A second redemption of the same code must fail (single use).
    code = dict(p.split("=", 1) for p in callback.split("?", 1)[1].split("&"))["code"]
    again = requests.post(
        meta["token_endpoint"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
              "code_verifier": verifier},
        auth=(client_id, client_secret),
        timeout=10,
    )
    if again.status_code != 400 or again.json().get("error") != "invalid_grant":
        fail("a second use of the code did not fail with invalid_grant")

    print(json.dumps({"sub": claims["sub"], "acr": claims["acr"], "family_name": claims["family_name"]}, ensure_ascii=False))
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__)
        sys.exit(2)
    main(*sys.argv[1:])
