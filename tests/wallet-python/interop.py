#!/usr/bin/env python3
"""An independent PID provider and wallet, for node/tests/wallet_interop.rs.

  present  ISSUER_KEY CHAIN HOLDER_KEY AUD NONCE  -> an SD-JWT VC PID presentation with a key
           binding JWT, issued with the OpenWallet Foundation `sd-jwt` library (PEM files; CHAIN
           leaf first).
  encrypt  JWK_JSON KID ENC PAYLOAD               -> a compact JWE (ECDH-ES, ENC) by Authlib.
  lote     SIGNER_KEY SIGNER_CERT ANCHOR SEQUENCE -> a PID-providers List of Trusted Entities
           (ETSI TS 119 602 JSON, written here from the spec's names) signed by Authlib as a
           compact JWS with a JAdES `sigT` critical header; it names ANCHOR for XP and another
           provider for XQ.
"""
import base64
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def present(issuer_key, chain, holder_key, aud, nonce):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from jwcrypto.jwk import JWK
    from sd_jwt.common import SDObj
    from sd_jwt.holder import SDJWTHolder
    from sd_jwt.issuer import SDJWTIssuer

    ik = JWK.from_pem(open(issuer_key, "rb").read())
    hk = JWK.from_pem(open(holder_key, "rb").read())
    certs = x509.load_pem_x509_certificates(open(chain, "rb").read())
    x5c = [base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in certs]
    now = int(time.time())
    claims = {
        "iss": "https://pid.python.example",
        "vct": "urn:eudi:pid:1",
        "iat": now - 60,
        "exp": now + 3600,  # no status list: short-lived (24 h at most)
        SDObj("given_name"): "Erika",
        SDObj("family_name"): "Mustermann",
        SDObj("birthdate"): "1964-08-12",
        "nationalities": [SDObj("DE"), SDObj("AT")],
        SDObj("issuing_country"): "XP",
        SDObj("personal_administrative_number"): "XP-42",
    }
    issuer = SDJWTIssuer(
        claims,
        ik,
        holder_key=hk,
        sign_alg="ES256",
        add_decoy_claims=True,
        extra_header_parameters={"typ": "dc+sd-jwt", "x5c": x5c},
    )
    holder = SDJWTHolder(issuer.sd_jwt_issuance)
    holder.create_presentation(
        {"given_name": True, "family_name": True, "birthdate": True,
         "nationalities": [True, False], "issuing_country": True},
        nonce=nonce,
        aud=aud,
        holder_key=hk,
        sign_alg="ES256",
    )
    return holder.sd_jwt_presentation


def encrypt(jwk_json, kid, enc, payload):
    from authlib.jose import JsonWebEncryption, JsonWebKey

    key = JsonWebKey.import_key(json.loads(jwk_json))
    header = {"alg": "ECDH-ES", "enc": enc, "kid": kid, "apv": "bm9uY2U"}
    return JsonWebEncryption().serialize_compact(header, payload.encode(), key).decode()


def lote(signer_key, signer_cert, anchor, sequence):
    from authlib.jose import JsonWebSignature
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    def der64(path):
        with open(path, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        return base64.b64encode(cert.public_bytes(Encoding.DER)).decode()

    def at(t):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))

    def entity(country, name, trade, cert):
        return {
            "TrustedEntityInformation": {
                "TEName": [{"lang": "en", "value": name}],
                "TETradeName": [{"lang": "en", "value": trade}],
                "TEAddress": {
                    "TEPostalAddress": [
                        {"lang": "en", "StreetAddress": "Hauptstrasse 1", "Country": country}
                    ],
                    "TEElectronicAddress": [{"lang": "en", "uriValue": "mailto:pid@example.org"}],
                },
                "TEInformationURI": [{"lang": "en", "uriValue": "https://example.org/pid"}],
            },
            "TrustedEntityServices": [
                {
                    "ServiceInformation": {
                        "ServiceName": [{"lang": "en", "value": name + " issuance"}],
                        "ServiceTypeIdentifier": "http://uri.etsi.org/19602/SvcType/PID/Issuance",
                        "ServiceDigitalIdentity": {"X509Certificates": [{"val": cert}]},
                    }
                },
                {
                    "ServiceInformation": {
                        "ServiceName": [{"lang": "en", "value": name + " revocation"}],
                        "ServiceTypeIdentifier": "http://uri.etsi.org/19602/SvcType/PID/Revocation",
                        "ServiceDigitalIdentity": {"X509Certificates": [{"val": cert}]},
                    }
                },
            ],
        }

    now = time.time()
    payload = {
        "LoTE": {
            "ListAndSchemeInformation": {
                "LoTEVersionIdentifier": 1,
                "LoTESequenceNumber": int(sequence),
                "LoTEType": "http://uri.etsi.org/19602/LoTEType/EUPIDProvidersList",
                "SchemeOperatorName": [{"lang": "en", "value": "Python list operator"}],
                "SchemeTerritory": "EU",
                "ListIssueDateTime": at(now - 60),
                "NextUpdate": at(now + 86400 * 90),
            },
            "TrustedEntitiesList": [
                entity("XP", "Pythonland PID Office", "VATXP-123456", der64(anchor)),
                entity("XQ", "Otherland PID Office", "VATXQ-654321", der64(signer_cert)),
            ],
        }
    }
    header = {"alg": "ES256", "typ": "JWT", "x5c": [der64(signer_cert)],
              "sigT": at(now - 30), "crit": ["sigT"]}
    with open(signer_key, "rb") as f:
        key = f.read()
    # sigT is a JAdES header (ETSI TS 119 182-1): named to Authlib so it may be critical.
    jws = JsonWebSignature(private_headers={"sigT"})
    return jws.serialize_compact(header, json.dumps(payload).encode(), key).decode()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "present":
        print(present(*args), end="")
    elif cmd == "encrypt":
        print(encrypt(*args), end="")
    elif cmd == "lote":
        print(lote(*args), end="")
    else:
        sys.exit(f"unknown command {cmd}")
