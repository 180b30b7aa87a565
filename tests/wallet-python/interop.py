#!/usr/bin/env python3
"""An independent PID provider and wallet, for node/tests/wallet_interop.rs.

  present  ISSUER_KEY CHAIN HOLDER_KEY AUD NONCE  -> an SD-JWT VC PID presentation with a key
           binding JWT, issued with the OpenWallet Foundation `sd-jwt` library (PEM files; CHAIN
           leaf first).
  encrypt  JWK_JSON KID ENC PAYLOAD               -> a compact JWE (ECDH-ES, ENC) by Authlib.
  mdoc     ISSUER_KEY CHAIN DEVICE_KEY CLIENT_ID NONCE THUMBPRINT RESPONSE_URI STATUS_URI
           -> a base64url DeviceResponse with the PID as mdoc: issued by pyMDOC-CBOR
           (`pymdoccbor`, the EUDI reference implementation's mdoc library), device-signed with
           pycose over DeviceAuthentication with the OpenID4VP 1.0 SessionTranscript (B.2.6.1).
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


def mdoc(issuer_key, chain, device_key, client_id, nonce, thumbprint, response_uri, status_uri):
    import datetime
    import hashlib

    import cbor2
    from pycose.algorithms import Es256
    from pycose.headers import Algorithm
    from pycose.keys import CoseKey
    from pycose.messages import Sign1Message
    from pymdoccbor.mdoc.issuer import MdocCborIssuer

    doctype = "eu.europa.ec.eudi.pid.1"
    with open(issuer_key) as f:
        ik = CoseKey.from_pem_private_key(f.read())
    ik.alg = Es256  # the MSO's COSE_Sign1 takes its alg from the key
    with open(device_key) as f:
        dk = CoseKey.from_pem_private_key(f.read())
    today = datetime.date.today()
    issuer = MdocCborIssuer(private_key=ik, alg="ES256")
    issuer.new(
        data={
            doctype: {
                "family_name": "Mustermann",
                "given_name": "Erika",
                "birth_date": "1964-08-12",
                "issuing_country": "XP",
                "nationality": ["DE"],
                "personal_administrative_number": "XP-4711",
            }
        },
        doctype=doctype,
        validity={
            "issuance_date": today.isoformat(),
            "expiry_date": (today + datetime.timedelta(days=30)).isoformat(),
        },
        devicekeyinfo={1: 2, -1: 1, -2: dk.x, -3: dk.y},
        x509_chain=[chain],
        revocation={"status_list": {"idx": 3, "uri": status_uri}},
    )
    document = issuer.signed["documents"][0]
    # OpenID4VP 1.0 B.2.6.1: the handover binds client id, nonce, the encryption key and the
    # response uri; DeviceAuthentication as ISO 18013-5 9.1.3.4, signed detached.
    info = cbor2.dumps([client_id, nonce, b64d(thumbprint), response_uri])
    transcript = [None, None, ["OpenID4VPHandover", hashlib.sha256(info).digest()]]
    namespaces = cbor2.CBORTag(24, cbor2.dumps({}))
    auth = ["DeviceAuthentication", transcript, doctype, namespaces]
    auth_bytes = cbor2.dumps(cbor2.CBORTag(24, cbor2.dumps(auth)))
    sign1 = Sign1Message(phdr={Algorithm: Es256}, payload=None)
    sign1.key = dk
    signature = cbor2.loads(sign1.encode(tag=False, detached_payload=auth_bytes))
    document["deviceSigned"] = {
        "nameSpaces": namespaces,
        "deviceAuth": {"deviceSignature": signature},
    }
    response = {"version": "1.0", "documents": [document], "status": 0}
    return base64.urlsafe_b64encode(cbor2.dumps(response)).decode().rstrip("=")


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


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
    elif cmd == "mdoc":
        print(mdoc(*args), end="")
    elif cmd == "lote":
        print(lote(*args), end="")
    else:
        sys.exit(f"unknown command {cmd}")
