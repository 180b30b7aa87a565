//! Revocation through a Token Status List (draft-ietf-oauth-status-list-14, the version HAIP 1.0
//! §9.4 pins): the status list token that a credential's `status.status_list.uri` names is
//! verified (§5.1 `typ` `statuslist+jwt`; HAIP 1.0 §6.1 `x5c` to a trust anchor, ES256; `sub`
//! equal to that uri; `iat`; `exp` not passed), its list inflated (zlib, §4.2) with a size cap
//! (§11.1: the list comes from elsewhere), and one credential's status read (§4.1: statuses
//! packed from the least significant bit of each byte). Fetching and caching, with `ttl` and a
//! grace period for an unreachable list, belong to the caller.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use openssl::x509::X509;
use serde_json::Value;
use time::OffsetDateTime;

use super::{x5c, Error};
use crate::jose::{Alg, UnverifiedJws};

/// The largest inflated list we accept: 4 MiB is 33 million credentials at one bit each.
pub const MAX_LIST_BYTES: usize = 4 << 20;

/// A credential's status (§7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Valid,
    Invalid,
    Suspended,
    /// An application-specific value: not valid.
    Other(u8),
}

/// A verified status list.
#[derive(Debug)]
pub struct StatusList {
    bits: u8,
    list: Vec<u8>,
    /// Unix seconds.
    pub iat: i64,
    pub exp: Option<i64>,
    /// How long the list may be cached, in seconds (§5.1 `ttl`).
    pub ttl: Option<i64>,
}

fn invalid(why: &'static str) -> Error {
    Error::StatusListInvalid(why)
}

/// Verifies a status list token fetched from `uri` against `anchors`, at `now`.
pub fn verify_token(
    token: &str,
    uri: &str,
    anchors: &[X509],
    now: OffsetDateTime,
) -> Result<StatusList, Error> {
    let header_part = token.split('.').next().ok_or(invalid("not a JWT"))?;
    let header: Value = B64
        .decode(header_part)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(invalid("header"))?;
    if header.get("typ").and_then(Value::as_str) != Some("statuslist+jwt") {
        return Err(invalid("typ"));
    }
    let chain = x5c::parse(header.get("x5c").ok_or(invalid("no x5c"))?)?;
    let key = x5c::validate(&chain, anchors, now)?
        .leaf
        .public_key()
        .map_err(|_| invalid("signer key"))?;
    let jws = UnverifiedJws::parse(token).ok_or(invalid("alg"))?;
    if jws.alg != Alg::ES256 {
        return Err(invalid("alg"));
    }
    let payload: Value = jws
        .verify_with_key(&key)
        .and_then(|p| serde_json::from_slice(p).ok())
        .ok_or(invalid("signature"))?;
    if payload.get("sub").and_then(Value::as_str) != Some(uri) {
        return Err(invalid("sub is not the credential's uri"));
    }
    let now = now.unix_timestamp();
    let iat = payload
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or(invalid("iat"))?;
    let exp = payload.get("exp").and_then(Value::as_i64);
    if exp.is_some_and(|e| e <= now) {
        return Err(invalid("expired"));
    }
    let ttl = payload.get("ttl").and_then(Value::as_i64);
    let list = payload.get("status_list").ok_or(invalid("status_list"))?;
    let bits = match list.get("bits").and_then(Value::as_u64) {
        Some(b @ (1 | 2 | 4 | 8)) => u8::try_from(b).map_err(|_| invalid("bits"))?,
        _ => return Err(invalid("bits")),
    };
    let lst = list
        .get("lst")
        .and_then(Value::as_str)
        .and_then(|s| B64.decode(s).ok())
        .ok_or(invalid("lst"))?;
    let list = inflate(&lst)?;
    Ok(StatusList {
        bits,
        list,
        iat,
        exp,
        ttl,
    })
}

/// zlib (RFC 1950) inflation, refused beyond [`MAX_LIST_BYTES`].
fn inflate(compressed: &[u8]) -> Result<Vec<u8>, Error> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(compressed, MAX_LIST_BYTES)
        .map_err(|_| invalid("lst does not inflate within the limit"))
}

impl StatusList {
    /// The status at `idx` (§4.1); an index beyond the list is an error (a wrong reference is
    /// never "valid").
    pub fn status(&self, idx: u64) -> Result<Status, Error> {
        let bits = u64::from(self.bits);
        let pos = idx.checked_mul(bits).ok_or(invalid("idx"))?;
        let byte = usize::try_from(pos / 8)
            .ok()
            .and_then(|i| self.list.get(i))
            .ok_or(invalid("idx beyond the list"))?;
        let shift = pos % 8;
        let mask = (1u16 << bits) - 1;
        let value = u8::try_from((u16::from(*byte) >> shift) & mask).map_err(|_| invalid("idx"))?;
        Ok(match value {
            0 => Status::Valid,
            1 => Status::Invalid,
            2 => Status::Suspended,
            v => Status::Other(v),
        })
    }
}

/// The list of `statuses` (one value per credential, `bits` wide), zlib-compressed and
/// base64url-encoded, as `lst` carries it; for the simulated PID provider and tests.
pub fn encode_list(statuses: &[u8], bits: u8) -> String {
    let per_byte = 8 / usize::from(bits.max(1));
    let mut bytes = vec![0u8; statuses.len().div_ceil(per_byte)];
    for (i, s) in statuses.iter().enumerate() {
        let pos = i * usize::from(bits);
        if let Some(b) = bytes.get_mut(pos / 8) {
            *b |= s << (pos % 8);
        }
    }
    B64.encode(miniz_oxide::deflate::compress_to_vec_zlib(&bytes, 6))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn list(lst: &str, bits: u8) -> StatusList {
        StatusList {
            bits,
            list: inflate(&B64.decode(lst).unwrap()).unwrap(),
            iat: 0,
            exp: None,
            ttl: None,
        }
    }

    fn values(l: &StatusList, n: u64) -> Vec<u8> {
        (0..n)
            .map(|i| match l.status(i).unwrap() {
                Status::Valid => 0,
                Status::Invalid => 1,
                Status::Suspended => 2,
                Status::Other(v) => v,
            })
            .collect()
    }

    /// The examples of draft-ietf-oauth-status-list §4.1 and §4.2.
    #[test]
    fn the_specification_examples_read_as_published() {
        let one = list("eNrbuRgAAhcBXQ", 1);
        assert_eq!(
            values(&one, 16),
            [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
        );
        let two = list("eNo76fITAAPfAgc", 2);
        assert_eq!(values(&two, 12), [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]);
        // Beyond the list: an error, never "valid".
        assert!(one.status(16).is_err());
        assert!(one.status(u64::MAX).is_err());
    }

    #[test]
    fn our_encoding_reads_back_and_a_bomb_is_refused() {
        let statuses = [0u8, 1, 2, 0, 3, 0, 0, 1, 2];
        for bits in [2u8, 4, 8] {
            let l = list(&encode_list(&statuses, bits), bits);
            assert_eq!(values(&l, 9), statuses, "bits {bits}");
        }
        let zeros = vec![0u8; MAX_LIST_BYTES + 1];
        let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&zeros, 9);
        assert!(bomb.len() < 64 * 1024);
        assert!(inflate(&bomb).is_err());
        // Raw DEFLATE without the zlib wrapper is not what §4.2 says.
        assert!(inflate(&miniz_oxide::deflate::compress_to_vec(&[1, 2, 3], 6)).is_err());
    }
}
