//! Enveloped XML signatures, restricted to the eIDAS profile (eidas-requirements §3.3, IA §3.2.1).
//!
//! XSW defence by construction: we never look an element up by the ID a Reference names. A
//! signature is only accepted as the signature *of the element we are about to consume* when it is
//! that element's direct child, its single Reference names that element's own `ID`, that ID is
//! unique in the document, and the digest is computed over that very node. Keys come from the
//! caller (verified metadata), never from the signature's KeyInfo.

use openssl::pkey::{PKey, Public};
use roxmltree::Node;

use super::c14n::canonicalize;
use super::crypto::{self, uri, Hash, SignatureAlgorithm, SignaturePolicy};
use super::error::{Error, Result};
use super::keys::SigningKey;
use super::xml::{self, ns};

/// Where [`sign_enveloped`] puts the signature; a comment, so c14n ignores it while digesting.
pub const SIGNATURE_MARKER: &str = "<!--eidas-node:signature-->";

/// The `ds:Signature` that is a direct child of `target`, if any. More than one is rejected.
pub fn signature_of<'a, 'i>(
    target: Node<'a, 'i>,
    element: &'static str,
) -> Result<Option<Node<'a, 'i>>> {
    let mut it = xml::children(target, ns::DS, "Signature");
    match (it.next(), it.next()) {
        (None, _) => Ok(None),
        (Some(s), None) => Ok(Some(s)),
        (Some(_), Some(_)) => Err(Error::MultipleSignatures { element }),
    }
}

/// Verifies that `target` carries a valid enveloped signature by one of `keys`.
///
/// Fails with [`Error::Unsigned`] when there is none (§2 step 4: the Response signature MUST be
/// present). Returns the algorithm used.
pub fn verify_enveloped(
    target: Node,
    element: &'static str,
    keys: &[PKey<Public>],
    policy: &SignaturePolicy,
) -> Result<SignatureAlgorithm> {
    let sig = signature_of(target, element)?.ok_or(Error::Unsigned { element })?;
    verify_signature_element(target, sig, keys, policy)
}

fn verify_signature_element(
    target: Node,
    sig: Node,
    keys: &[PKey<Public>],
    policy: &SignaturePolicy,
) -> Result<SignatureAlgorithm> {
    let signed_info = xml::only_child(sig, ns::DS, "SignedInfo")?;
    let c14n_method = xml::only_child(signed_info, ns::DS, "CanonicalizationMethod")?;
    if c14n_method.attribute("Algorithm") != Some(uri::EXC_C14N) {
        return Err(Error::AlgorithmNotAllowed(
            c14n_method.attribute("Algorithm").unwrap_or("").to_owned(),
        ));
    }
    let si_prefixes = inclusive_prefixes(c14n_method);
    let method = xml::only_child(signed_info, ns::DS, "SignatureMethod")?;
    let alg = SignatureAlgorithm::from_uri(method.attribute("Algorithm").unwrap_or(""))?;

    // Exactly one Reference, to this element (XSW defence).
    let reference = xml::only_child(signed_info, ns::DS, "Reference")?;
    check_reference_targets(target, reference)?;

    // Transforms: enveloped-signature, then exc-c14n (optionally with a PrefixList).
    let transforms = xml::only_child(reference, ns::DS, "Transforms")?;
    let list: Vec<Node> = xml::element_children(transforms).collect();
    let [enveloped, exc] = list.as_slice() else {
        return Err(Error::BadTransforms);
    };
    if !xml::is(*enveloped, ns::DS, "Transform")
        || !xml::is(*exc, ns::DS, "Transform")
        || enveloped.attribute("Algorithm") != Some(uri::ENVELOPED)
        || exc.attribute("Algorithm") != Some(uri::EXC_C14N)
    {
        return Err(Error::BadTransforms);
    }
    let ref_prefixes = inclusive_prefixes(*exc);

    let digest_method = xml::only_child(reference, ns::DS, "DigestMethod")?;
    let hash = Hash::from_digest_uri(digest_method.attribute("Algorithm").unwrap_or(""))?;
    let expected = xml::base64_text(xml::only_child(reference, ns::DS, "DigestValue")?)?;
    let actual = hash.digest(&canonicalize(target, Some(sig.id()), &ref_prefixes)?)?;
    if !crypto::ct_eq(&expected, &actual) {
        return Err(Error::DigestMismatch);
    }

    let signed = canonicalize(signed_info, None, &si_prefixes)?;
    let value = xml::base64_text(xml::only_child(sig, ns::DS, "SignatureValue")?)?;
    let mut last_err = Error::SignatureInvalid;
    for key in keys {
        match crypto::verify(alg, key, &signed, &value, policy) {
            Ok(true) => return Ok(alg),
            Ok(false) => {}
            // A key of the wrong type or strength for this algorithm: try the others, but report
            // the policy failure if nothing verifies.
            Err(e) => last_err = e,
        }
    }
    Err(last_err)
}

/// The Reference must name `target` itself: `#ID` with `target`'s own ID, unique in the document;
/// `""` (whole document) only when `target` is the document element.
fn check_reference_targets(target: Node, reference: Node) -> Result<()> {
    let ref_uri = reference.attribute("URI").ok_or(Error::ReferenceMismatch)?;
    if ref_uri.is_empty() {
        return if target.parent().is_some_and(|p| p.is_root()) {
            Ok(())
        } else {
            Err(Error::ReferenceMismatch)
        };
    }
    let id = target.attribute("ID").ok_or(Error::ReferenceMismatch)?;
    if ref_uri.strip_prefix('#') != Some(id) || id.is_empty() {
        return Err(Error::ReferenceMismatch);
    }
    let occurrences = target
        .document()
        .descendants()
        .filter(|n| {
            n.attributes()
                .any(|a| matches!(a.name(), "ID" | "Id" | "AssertionID") && a.value() == id)
        })
        .count();
    if occurrences != 1 {
        return Err(Error::DuplicateId(id.to_owned()));
    }
    Ok(())
}

fn inclusive_prefixes(transform: Node) -> Vec<String> {
    xml::child(transform, ns::EC, "InclusiveNamespaces")
        .and_then(|n| n.attribute("PrefixList"))
        .map(|l| l.split_ascii_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Signs a document we generated. `xml` must contain [`SIGNATURE_MARKER`] exactly once, at the
/// place the schema wants `ds:Signature` (after `Issuer` in protocol messages, first child of an
/// EntityDescriptor), and its document element must carry an `ID`.
pub fn sign_enveloped(xml_text: &str, key: &SigningKey) -> Result<String> {
    if xml_text.matches(SIGNATURE_MARKER).count() != 1 {
        return Err(Error::Internal(
            "signature marker must occur exactly once".into(),
        ));
    }
    let doc = xml::parse(xml_text, xml::MAX_METADATA_BYTES)?;
    let root = doc.root_element();
    let id = root
        .attribute("ID")
        .ok_or_else(|| Error::Internal("document element has no ID".into()))?;
    let hash = match key.algorithm {
        SignatureAlgorithm::Ecdsa(h)
        | SignatureAlgorithm::RsaPss(h)
        | SignatureAlgorithm::RsaPkcs1(h) => h,
    };
    let digest = hash.digest(&canonicalize(root, None, &[])?)?;
    let signed_info = format!(
        concat!(
            r#"<ds:SignedInfo xmlns:ds="{ds}">"#,
            r#"<ds:CanonicalizationMethod Algorithm="{c14n}"></ds:CanonicalizationMethod>"#,
            r#"<ds:SignatureMethod Algorithm="{alg}"></ds:SignatureMethod>"#,
            r##"<ds:Reference URI="#{id}"><ds:Transforms>"##,
            r#"<ds:Transform Algorithm="{env}"></ds:Transform>"#,
            r#"<ds:Transform Algorithm="{c14n}"></ds:Transform></ds:Transforms>"#,
            r#"<ds:DigestMethod Algorithm="{dm}"></ds:DigestMethod>"#,
            r#"<ds:DigestValue>{dv}</ds:DigestValue></ds:Reference></ds:SignedInfo>"#
        ),
        ds = ns::DS,
        c14n = uri::EXC_C14N,
        alg = key.algorithm.uri(),
        id = xml::escape_attr(id),
        env = uri::ENVELOPED,
        dm = hash.digest_uri(),
        dv = xml::encode_base64(&digest),
    );
    let si_doc = xml::parse(&signed_info, xml::MAX_MESSAGE_BYTES)?;
    let si_c14n = canonicalize(si_doc.root_element(), None, &[])?;
    let value = crypto::sign(key.algorithm, key.pair.key.as_ref(), &si_c14n)?;
    let si_text = String::from_utf8(si_c14n).map_err(|_| Error::NotUtf8)?;
    let signature = format!(
        r#"<ds:Signature xmlns:ds="{ds}">{si}<ds:SignatureValue>{sv}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>"#,
        ds = ns::DS,
        si = si_text,
        sv = xml::encode_base64(&value),
        cert = xml::encode_base64(&key.pair.cert_der()?),
    );
    Ok(xml_text.replacen(SIGNATURE_MARKER, &signature, 1))
}
