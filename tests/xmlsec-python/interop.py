"""Independent XML-DSig / XML-Enc peer for node/tests/xmlsec_pypi.rs (python-xmlsec, libxmlsec1 1.3).

  verify FILE CERT_PEM               exit 0 if the root's enveloped signature verifies, 1 if not
  sign-pss IN OUT KEY_PEM            sign the root (ID attribute) with RSA-PSS SHA-256, exc-c14n
  decrypt IN KEY_PEM                 print the plaintext of the first xenc:EncryptedData
  encrypt-oaep IN OUT CERT_PEM       encrypt IN's root as aes256-gcm + xmlenc11#rsa-oaep (SHA-256, MGF1-SHA-256)
"""
import sys

import xmlsec
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
XENC = "http://www.w3.org/2001/04/xmlenc#"
XENC11 = "http://www.w3.org/2009/xmlenc11#"
RSA_PSS_SHA256 = "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"


def verify(path, cert):
    root = etree.parse(path).getroot()
    xmlsec.tree.add_ids(root, ["ID"])
    sig = xmlsec.tree.find_child(root, xmlsec.constants.NodeSignature)
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_file(cert, xmlsec.constants.KeyDataFormatCertPem)
    try:
        ctx.verify(sig)
    except xmlsec.Error as e:
        print(f"signature invalid: {e}", file=sys.stderr)
        return 1
    return 0


def sign_pss(src, dst, key):
    root = etree.parse(src).getroot()
    ref_id = root.get("ID")
    sig = etree.SubElement(root, f"{{{DS}}}Signature", nsmap={"ds": DS})
    # The eIDAS position: right after the Issuer.
    root.remove(sig)
    root.insert(1, sig)
    si = etree.SubElement(sig, f"{{{DS}}}SignedInfo")
    etree.SubElement(si, f"{{{DS}}}CanonicalizationMethod", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    etree.SubElement(si, f"{{{DS}}}SignatureMethod", Algorithm=RSA_PSS_SHA256)
    ref = etree.SubElement(si, f"{{{DS}}}Reference", URI=f"#{ref_id}")
    tr = etree.SubElement(ref, f"{{{DS}}}Transforms")
    etree.SubElement(tr, f"{{{DS}}}Transform", Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature")
    etree.SubElement(tr, f"{{{DS}}}Transform", Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#")
    etree.SubElement(ref, f"{{{DS}}}DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
    etree.SubElement(ref, f"{{{DS}}}DigestValue")
    etree.SubElement(sig, f"{{{DS}}}SignatureValue")
    xmlsec.tree.add_ids(root, ["ID"])
    ctx = xmlsec.SignatureContext()
    ctx.key = xmlsec.Key.from_file(key, xmlsec.constants.KeyDataFormatPem)
    ctx.sign(sig)
    with open(dst, "wb") as f:
        f.write(etree.tostring(root))
    return 0


def decrypt(src, key):
    root = etree.parse(src).getroot()
    enc = root if root.tag == f"{{{XENC}}}EncryptedData" else root.find(f".//{{{XENC}}}EncryptedData")
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_file(key, xmlsec.constants.KeyDataFormatPem))
    ctx = xmlsec.EncryptionContext(manager)
    out = ctx.decrypt(enc)
    sys.stdout.write(etree.tostring(out, encoding="unicode") if hasattr(out, "tag") else out.decode())
    return 0


def encrypt_oaep(src, dst, cert):
    doc = etree.parse(src)
    plain = doc.getroot()
    ed = etree.Element(f"{{{XENC}}}EncryptedData", Type="http://www.w3.org/2001/04/xmlenc#Element",
                       nsmap={"xenc": XENC, "ds": DS, "xenc11": XENC11})
    etree.SubElement(ed, f"{{{XENC}}}EncryptionMethod", Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm")
    ki = etree.SubElement(ed, f"{{{DS}}}KeyInfo")
    ek = etree.SubElement(ki, f"{{{XENC}}}EncryptedKey")
    em = etree.SubElement(ek, f"{{{XENC}}}EncryptionMethod", Algorithm=f"{XENC11}rsa-oaep")
    etree.SubElement(em, f"{{{DS}}}DigestMethod", Algorithm="http://www.w3.org/2001/04/xmlenc#sha256")
    etree.SubElement(em, f"{{{XENC11}}}MGF", Algorithm=f"{XENC11}mgf1sha256")
    eki = etree.SubElement(ek, f"{{{DS}}}KeyInfo")
    etree.SubElement(etree.SubElement(eki, f"{{{DS}}}X509Data"), f"{{{DS}}}X509Certificate")
    etree.SubElement(etree.SubElement(ek, f"{{{XENC}}}CipherData"), f"{{{XENC}}}CipherValue")
    etree.SubElement(etree.SubElement(ed, f"{{{XENC}}}CipherData"), f"{{{XENC}}}CipherValue")
    manager = xmlsec.KeysManager()
    manager.add_key(xmlsec.Key.from_file(cert, xmlsec.constants.KeyDataFormatCertPem))
    ctx = xmlsec.EncryptionContext(manager)
    ctx.key = xmlsec.Key.generate(xmlsec.constants.KeyDataAes, 256, xmlsec.constants.KeyDataTypeSession)
    wrapper = etree.Element("wrapper")
    wrapper.append(plain)
    out = ctx.encrypt_xml(ed, plain)
    with open(dst, "wb") as f:
        f.write(etree.tostring(out))
    return 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    return {"verify": verify, "sign-pss": sign_pss, "decrypt": decrypt, "encrypt-oaep": encrypt_oaep}[cmd](*args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
