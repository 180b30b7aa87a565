//! Keys inside a PKCS#11 token (issue 13, first slice: the key backend; configuration, `check`,
//! `keys generate --pkcs11` and rollover come next). Every private-key operation runs in the
//! token; the private half never leaves it.
//!
//! - Signing: the digest is computed here and signed with `CKM_ECDSA` (raw `r‖s`, re-encoded as
//!   DER, which [`PrivateKey::sign`] promises) or `CKM_RSA_PKCS_PSS` (salt = digest length, MGF1
//!   with the same digest); PKCS#1 v1.5 with `CKM_SHA*_RSA_PKCS` over the message. Computing the
//!   digest here is one short round trip and works on tokens without the combined mechanisms
//!   (SoftHSM 2.6 has no `CKM_ECDSA_SHA256`).
//! - RSA-OAEP: `CKM_RSA_PKCS_OAEP` with exactly the digest, MGF1 digest and label the message
//!   names; a token that cannot do that combination says so (SoftHSM 2.6 does SHA-1 only).
//! - ECDH: `CKM_ECDH1_DERIVE` without KDF (our ConcatKDF runs outside, as for file keys) into a
//!   session-only secret object, read once and destroyed at once.
//! - Sessions: a pool of idle sessions, opened as needed; the token is logged in once (login is
//!   per application and token in PKCS#11; "already logged in" is success). A session that fails
//!   with a session or device error is dropped and the operation tried once more on a fresh one
//!   (a token pulled out and put back).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as P11Error, RvError};
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsOaepParams, PkcsOaepSource, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey, EcPoint, EcPointRef, PointConversionForm};
use openssl::ecdsa::EcdsaSig;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, Public};
use openssl::rsa::Rsa;

use super::{Digest, Error, PrivateKey, Scheme, Secret};

/// Where a key lives in a token: `{ module, token, key, pin }` (usually `pin_file`).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pkcs11Settings {
    /// The vendor's PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: std::path::PathBuf,
    /// The token's label (a Luna partition, a SoftHSM token).
    pub token: String,
    /// The key's `CKA_LABEL` (private and public key objects share it).
    pub key: String,
    /// The user PIN (usually given as `pin_file`, or through the environment).
    pub pin: secrecy::SecretString,
    /// RSA-OAEP decryption: `"token"` (default: `CKM_RSA_PKCS_OAEP` with the message's digest,
    /// MGF and label) or `"raw"` (`CKM_RSA_X_509` in the token, the OAEP padding checked here:
    /// for tokens whose OAEP lacks the combination peers use, such as SoftHSM 2.6 with SHA-256).
    #[serde(default)]
    pub rsa_oaep: OaepMode,
    /// At most this many sessions open at once (default: twice the CPU count, at least 4);
    /// callers beyond it wait for a free one.
    #[serde(default)]
    pub max_sessions: Option<usize>,
    /// Open read-write sessions (AWS CloudHSM has no read-only ones); default read-only.
    #[serde(default)]
    pub read_write_sessions: bool,
}

/// Where the OAEP padding of an RSA decryption is checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OaepMode {
    #[default]
    Token,
    Raw,
}

impl Pkcs11Settings {
    /// Loads the module, logs in and finds the key.
    pub fn open(&self) -> Result<Pkcs11Key, Error> {
        use secrecy::ExposeSecret;
        let key = Pkcs11Key::open_sessions(
            &self.module,
            &self.token,
            &self.key,
            self.pin.expose_secret(),
            self.read_write_sessions,
        )?
        .with_raw_oaep(self.rsa_oaep == OaepMode::Raw);
        Ok(match self.max_sessions {
            Some(n) => key.with_max_sessions(n),
            None => key,
        })
    }
}

/// A private key object in a token, found by its `CKA_LABEL`.
pub struct Pkcs11Key {
    module: PathBuf,
    /// The module's generation counter (see [`reinitialize`]).
    module_generation: Arc<AtomicU64>,
    token: String,
    pin: AuthPin,
    label: String,
    pool: Mutex<Pool>,
    freed: Condvar,
    max_sessions: usize,
    raw_oaep: bool,
    read_write: bool,
    /// `CKA_SIGN`, `CKA_DECRYPT`, `CKA_DERIVE` of the private key object.
    allowed: [bool; 3],
    public: PKey<Public>,
    /// For EC keys: the curve's field size in bytes (the length of Z and of r and s).
    field_bytes: Option<usize>,
}

/// The sessions of one key, all opened under one initialization (`generation`) of the module.
struct Pool {
    pkcs11: Pkcs11,
    slot: Slot,
    generation: u64,
    idle: Vec<Session>,
    /// Sessions open in all (idle or in use).
    open: usize,
}

impl std::fmt::Debug for Pkcs11Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pkcs11Key({:?}, {:?})", self.label, self.public.id())
    }
}

fn failed(e: P11Error) -> Error {
    Error::Failed(format!("PKCS#11: {e}"))
}

/// The session (or the token behind it) is gone: open a new one and try again. A key no longer
/// found counts too (some tokens keep sessions alive across a removal but see nothing in them).
fn session_lost(e: &P11Error) -> bool {
    matches!(
        e,
        P11Error::Pkcs11(
            RvError::SessionHandleInvalid
                | RvError::SessionClosed
                | RvError::DeviceRemoved
                | RvError::DeviceError
                | RvError::TokenNotPresent
                | RvError::UserNotLoggedIn
                | RvError::CryptokiNotInitialized,
            _
        ) | P11Error::Pkcs11(
            RvError::KeyHandleInvalid,
            cryptoki::context::Function::FindObjects
        )
    )
}

/// A loaded and initialized library, one per module path in the process (PKCS#11 allows one
/// initialization per process); `generation` counts re-initializations.
struct Module {
    pkcs11: Pkcs11,
    /// Shared with every key of the module, so a key reads it without the registry's lock.
    generation: Arc<AtomicU64>,
    reinitialized: Option<Instant>,
}

fn modules() -> std::sync::MutexGuard<'static, HashMap<PathBuf, Module>> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Module>>> = OnceLock::new();
    MODULES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

fn initialize(pkcs11: &Pkcs11) -> Result<(), Error> {
    match pkcs11.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(P11Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(()),
        Err(e) => Err(failed(e)),
    }
}

/// `module`, loaded and initialized once per process, and its generation counter.
fn module(path: &Path) -> Result<(Pkcs11, Arc<AtomicU64>), Error> {
    let mut all = modules();
    if let Some(m) = all.get(path) {
        return Ok((m.pkcs11.clone(), m.generation.clone()));
    }
    let pkcs11 = Pkcs11::new(path).map_err(failed)?;
    initialize(&pkcs11)?;
    let generation = Arc::new(AtomicU64::new(0));
    all.insert(
        path.to_owned(),
        Module {
            pkcs11: pkcs11.clone(),
            generation: generation.clone(),
            reinitialized: None,
        },
    );
    Ok((pkcs11, generation))
}

/// Loads `module` (once per process; later calls share it).
pub fn load_module(path: &Path) -> Result<Pkcs11, Error> {
    module(path).map(|(p, _)| p)
}

/// The token is gone even for fresh sessions: finalize and initialize the library again, so that
/// it enumerates its slots anew (a token put back; SoftHSM only sees it again so). Once per
/// generation (the first key to notice does it), and at most once a second.
fn reinitialize(path: &Path, seen: u64) {
    let mut all = modules();
    let Some(m) = all.get_mut(path) else {
        return;
    };
    if m.generation.load(Ordering::Acquire) != seen
        || m.reinitialized
            .is_some_and(|at| at.elapsed() < REINIT_EVERY)
    {
        return;
    }
    let _ = m.pkcs11.clone().finalize();
    m.reinitialized = Some(Instant::now());
    match initialize(&m.pkcs11) {
        Ok(()) => {
            m.generation.fetch_add(1, Ordering::AcqRel);
            tracing::warn!(module = %path.display(), "PKCS#11: token lost; library re-initialized");
        }
        Err(e) => {
            tracing::error!(module = %path.display(), error = %e, "PKCS#11: re-initializing the library failed");
        }
    }
}

/// The slot whose token has `label`.
pub fn slot_by_label(pkcs11: &Pkcs11, label: &str) -> Result<Slot, Error> {
    for slot in pkcs11.get_slots_with_token().map_err(failed)? {
        // A token that cannot be read (being removed, broken) is not ours to fail on.
        if pkcs11
            .get_token_info(slot)
            .is_ok_and(|info| info.label() == label)
        {
            return Ok(slot);
        }
    }
    Err(Error::Failed(format!(
        "PKCS#11: no token labelled {label:?}"
    )))
}

impl Pkcs11Key {
    /// Opens the private key `key_label` on the token `token_label` of the library `module`,
    /// logging in with `pin`, and reads its public half (from the public key object of the same
    /// label) and what it is allowed.
    pub fn open(
        module_path: &Path,
        token_label: &str,
        key_label: &str,
        pin: &str,
    ) -> Result<Self, Error> {
        Self::open_sessions(module_path, token_label, key_label, pin, false)
    }

    /// As [`Pkcs11Key::open`], with read-write sessions if `rw` (for tokens without read-only
    /// ones, such as AWS CloudHSM).
    pub fn open_sessions(
        module_path: &Path,
        token_label: &str,
        key_label: &str,
        pin: &str,
        rw: bool,
    ) -> Result<Self, Error> {
        let (pkcs11, module_generation) = module(module_path)?;
        let generation = module_generation.load(Ordering::Acquire);
        let slot = slot_by_label(&pkcs11, token_label)?;
        let pin = AuthPin::from(pin.to_owned());
        // The first session reads the public half and becomes the pool's first idle session.
        let first = login_session(&pkcs11, slot, &pin, rw).map_err(failed)?;
        let (public, field_bytes) = read_public(&first, key_label).map_err(failed)??;
        let allowed = read_allowed(&first, key_label).map_err(failed)?;
        Ok(Pkcs11Key {
            module: module_path.to_owned(),
            module_generation,
            token: token_label.to_owned(),
            pin,
            label: key_label.to_owned(),
            pool: Mutex::new(Pool {
                pkcs11,
                slot,
                generation,
                idle: vec![first],
                open: 1,
            }),
            freed: Condvar::new(),
            max_sessions: std::thread::available_parallelism()
                .map_or(4, |n| n.get() * 2)
                .max(4),
            raw_oaep: false,
            read_write: rw,
            allowed,
            public,
            field_bytes,
        })
    }

    /// RSA-OAEP with the padding checked outside the token (see [`OaepMode::Raw`]).
    pub fn with_raw_oaep(mut self, raw: bool) -> Self {
        self.raw_oaep = raw;
        self
    }

    /// At most `n` (≥ 1) sessions at once.
    pub fn with_max_sessions(mut self, n: usize) -> Self {
        self.max_sessions = n.max(1);
        self
    }

    fn pool(&self) -> std::sync::MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An idle session, or a new one while fewer than `max_sessions` are open; else waits up to
    /// [`SESSION_WAIT`] for one to be returned. Returns the generation it belongs to.
    fn session(&self) -> Result<(Session, u64), NoSession> {
        let current = self.module_generation.load(Ordering::Acquire);
        let mut pool = self.pool();
        if pool.generation != current {
            // The library was initialized again: every session of ours is void, and the token
            // may sit in another slot now.
            let (pkcs11, _) = module(&self.module).map_err(NoSession::Token)?;
            pool.slot = slot_by_label(&pkcs11, &self.token).map_err(NoSession::Token)?;
            pool.pkcs11 = pkcs11;
            pool.generation = current;
            pool.idle.clear();
            pool.open = 0;
        }
        let deadline = Instant::now() + SESSION_WAIT;
        loop {
            if let Some(s) = pool.idle.pop() {
                return Ok((s, pool.generation));
            }
            if pool.open < self.max_sessions {
                pool.open += 1;
                let (pkcs11, slot, generation) = (pool.pkcs11.clone(), pool.slot, pool.generation);
                drop(pool);
                return login_session(&pkcs11, slot, &self.pin, self.read_write)
                    .map(|s| (s, generation))
                    .map_err(|e| {
                        self.forget(generation, 1);
                        if session_lost(&e)
                            || matches!(e, P11Error::Pkcs11(RvError::SlotIdInvalid, _))
                        {
                            NoSession::Token(failed(e))
                        } else {
                            NoSession::Refused(failed(e))
                        }
                    });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(NoSession::Refused(Error::Failed(
                    "PKCS#11: every session is busy (pkcs11.max_sessions)".into(),
                )));
            }
            pool = self
                .freed
                .wait_timeout(pool, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
    }

    fn give_back(&self, s: Session, generation: u64) {
        let mut pool = self.pool();
        if pool.generation == generation {
            pool.idle.push(s);
        }
        drop(pool);
        self.freed.notify_one();
    }

    /// `n` sessions of `generation` were closed (dropped) rather than given back.
    fn forget(&self, generation: u64, n: usize) {
        let mut pool = self.pool();
        if pool.generation == generation {
            pool.open = pool.open.saturating_sub(n);
        }
        drop(pool);
        self.freed.notify_all();
    }

    /// Runs `op` on an idle (or new) session. A session lost (token removed, device error) is
    /// dropped with every idle one and `op` runs again on a fresh session; if that is lost too,
    /// the library is initialized again (a token put back) and `op` runs a last time.
    /// On a tokio worker thread the wait for the token is announced (`block_in_place`), so other
    /// tasks move to other workers instead of stalling behind the HSM.
    fn with_session<T>(&self, op: impl Fn(&Session) -> Result<T, P11Error>) -> Result<T, Error> {
        let run = || self.with_session_blocking(&op);
        match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(run)
            }
            _ => run(),
        }
    }

    fn with_session_blocking<T>(
        &self,
        op: &impl Fn(&Session) -> Result<T, P11Error>,
    ) -> Result<T, Error> {
        let mut last = None;
        for attempt in 0..3 {
            let (s, generation) = match self.session() {
                Ok(s) => s,
                Err(NoSession::Refused(e)) => return Err(e),
                Err(NoSession::Token(e)) => {
                    // The token is not there (yet): initialize the library again, so that it
                    // looks for its tokens anew.
                    reinitialize(&self.module, self.module_generation.load(Ordering::Acquire));
                    last = Some(e);
                    continue;
                }
            };
            match op(&s) {
                Ok(v) => {
                    self.give_back(s, generation);
                    return Ok(v);
                }
                Err(e) if session_lost(&e) => {
                    drop(s);
                    let idle = std::mem::take(&mut self.pool().idle);
                    let n = idle.len() + 1;
                    drop(idle);
                    self.forget(generation, n);
                    if attempt == 1 {
                        reinitialize(&self.module, generation);
                    }
                    last = Some(failed(e));
                }
                Err(e) => {
                    self.give_back(s, generation);
                    return Err(failed(e));
                }
            }
        }
        Err(last.unwrap_or_else(|| Error::Failed("PKCS#11: the token is not available".into())))
    }

    fn private_handle(&self, s: &Session) -> Result<ObjectHandle, P11Error> {
        find_one(s, ObjectClass::PRIVATE_KEY, &self.label)
    }
}

/// Why no session could be had.
enum NoSession {
    /// The token (or library) is not there: worth initializing the library again.
    Token(Error),
    /// Anything else (a wrong PIN, every session busy): reported as it is.
    Refused(Error),
}

/// At most one re-initialization of a library per this time.
const REINIT_EVERY: Duration = Duration::from_secs(1);

/// How long an operation waits for a free session when `max_sessions` are in use.
const SESSION_WAIT: Duration = Duration::from_secs(5);

/// A session (read-only unless `rw`), logged in (login is per token: "already logged in" is
/// success).
fn login_session(
    pkcs11: &Pkcs11,
    slot: Slot,
    pin: &AuthPin,
    rw: bool,
) -> Result<Session, P11Error> {
    let s = if rw {
        pkcs11.open_rw_session(slot)?
    } else {
        pkcs11.open_ro_session(slot)?
    };
    match s.login(UserType::User, Some(pin)) {
        Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(s),
        Err(e) => Err(e),
    }
}

fn find_one(s: &Session, class: ObjectClass, label: &str) -> Result<ObjectHandle, P11Error> {
    let found = s.find_objects(&[
        Attribute::Class(class),
        Attribute::Label(label.as_bytes().to_vec()),
    ])?;
    match found.as_slice() {
        [one] => Ok(*one),
        _ => Err(P11Error::Pkcs11(
            RvError::KeyHandleInvalid,
            cryptoki::context::Function::FindObjects,
        )),
    }
}

/// `CKA_SIGN`, `CKA_DECRYPT`, `CKA_DERIVE` of the private key `label` (absent = false).
fn read_allowed(s: &Session, label: &str) -> Result<[bool; 3], P11Error> {
    let h = find_one(s, ObjectClass::PRIVATE_KEY, label)?;
    let mut allowed = [false; 3];
    for a in s.get_attributes(
        h,
        &[
            AttributeType::Sign,
            AttributeType::Decrypt,
            AttributeType::Derive,
        ],
    )? {
        match a {
            Attribute::Sign(v) => allowed[0] = v,
            Attribute::Decrypt(v) => allowed[1] = v,
            Attribute::Derive(v) => allowed[2] = v,
            _ => {}
        }
    }
    Ok(allowed)
}

/// A public key, and for EC keys the curve's field size in bytes.
type PublicHalf = (PKey<Public>, Option<usize>);

/// The public key object of `label`: EC (P-256/384/521, `CKA_EC_POINT` as a DER OCTET STRING or
/// raw) or RSA (modulus, exponent). The outer error is the token's, the inner one ours.
fn read_public(s: &Session, label: &str) -> Result<Result<PublicHalf, Error>, P11Error> {
    let h = find_one(s, ObjectClass::PUBLIC_KEY, label)?;
    let attrs = s.get_attributes(
        h,
        &[
            AttributeType::KeyType,
            AttributeType::EcParams,
            AttributeType::EcPoint,
            AttributeType::Modulus,
            AttributeType::PublicExponent,
        ],
    )?;
    let (mut kind, mut params, mut point, mut n, mut e) = (None, None, None, None, None);
    for a in attrs {
        match a {
            Attribute::KeyType(k) => kind = Some(k),
            Attribute::EcParams(p) => params = Some(p),
            Attribute::EcPoint(p) => point = Some(p),
            Attribute::Modulus(m) => n = Some(m),
            Attribute::PublicExponent(x) => e = Some(x),
            _ => {}
        }
    }
    Ok((|| {
        if kind == Some(KeyType::RSA) {
            let (Some(n), Some(e)) = (n, e) else {
                return Err(Error::Failed("PKCS#11: RSA public key incomplete".into()));
            };
            let rsa =
                Rsa::from_public_components(BigNum::from_slice(&n)?, BigNum::from_slice(&e)?)?;
            return Ok((PKey::from_rsa(rsa)?, None));
        }
        let (Some(params), Some(point)) = (params, point) else {
            return Err(Error::Unsupported("this key type"));
        };
        let nid = CURVES
            .iter()
            .find(|(_, oid)| *oid == params.as_slice())
            .map(|(nid, _)| *nid)
            .ok_or(Error::Unsupported("this curve"))?;
        let group = EcGroup::from_curve_name(nid)?;
        let raw = unwrap_octet_string(&point);
        let mut ctx = BigNumContext::new()?;
        let q = EcPoint::from_bytes(&group, raw, &mut ctx)?;
        let field = usize::try_from(group.degree().div_ceil(8))
            .map_err(|_| Error::Failed("field size".into()))?;
        let ec = EcKey::from_public_key(&group, &q)?;
        Ok((PKey::from_ec_key(ec)?, Some(field)))
    })())
}

/// The curves we know, with their `CKA_EC_PARAMS` (the DER of the curve's OID): NIST P-256/384/521
/// and Brainpool P256r1/384r1/512r1 (eidas-requirements §3.2 allows both families).
pub(crate) const CURVES: [(Nid, &[u8]); 6] = [
    (
        Nid::X9_62_PRIME256V1,
        &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
    ),
    (Nid::SECP384R1, &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22]),
    (Nid::SECP521R1, &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23]),
    (
        Nid::BRAINPOOL_P256R1,
        &[
            0x06, 0x09, 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07,
        ],
    ),
    (
        Nid::BRAINPOOL_P384R1,
        &[
            0x06, 0x09, 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0b,
        ],
    ),
    (
        Nid::BRAINPOOL_P512R1,
        &[
            0x06, 0x09, 0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0d,
        ],
    ),
];

/// `CKA_EC_POINT` is a DER OCTET STRING around the point (PKCS#11 2.40); some tokens give it raw.
fn unwrap_octet_string(v: &[u8]) -> &[u8] {
    match v {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() && *len < 0x80 => rest,
        [0x04, 0x81, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        _ => v,
    }
}

fn mech(d: Digest) -> (MechanismType, PkcsMgfType) {
    match d {
        Digest::Sha1 => (MechanismType::SHA1, PkcsMgfType::MGF1_SHA1),
        Digest::Sha256 => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
        Digest::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
        Digest::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
    }
}

impl PrivateKey for Pkcs11Key {
    fn public_key(&self) -> &PKey<Public> {
        &self.public
    }

    fn permits(&self, purpose: super::Purpose) -> Result<(), Error> {
        let [sign, decrypt, derive] = self.allowed;
        let (ok, attribute) = match purpose {
            super::Purpose::Sign => (sign, "CKA_SIGN"),
            super::Purpose::Decrypt if self.public.id() == Id::RSA => (decrypt, "CKA_DECRYPT"),
            super::Purpose::Decrypt => (derive, "CKA_DERIVE"),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::Failed(format!(
                "PKCS#11: the token does not allow key {:?} this use ({attribute} is false)",
                self.label
            )))
        }
    }

    /// A session (logged in) that finds the private key; no cryptographic operation.
    fn probe(&self) -> Result<(), Error> {
        self.with_session(|s| self.private_handle(s).map(|_| ()))
    }

    fn sign(&self, scheme: Scheme, data: &[u8]) -> Result<Vec<u8>, Error> {
        let is_rsa = self.public.id() == Id::RSA;
        match scheme {
            Scheme::Ecdsa(d) => {
                let field = self.field_bytes.ok_or(Error::Unsupported("ECDSA"))?;
                let digest = openssl::hash::hash(d.md(), data)?;
                let rs = self.with_session(|s| {
                    s.sign(&Mechanism::Ecdsa, self.private_handle(s)?, &digest)
                })?;
                if rs.len() != 2 * field {
                    return Err(Error::Failed("PKCS#11: ECDSA signature length".into()));
                }
                let (r, s) = rs.split_at(field);
                let sig = EcdsaSig::from_private_components(
                    BigNum::from_slice(r)?,
                    BigNum::from_slice(s)?,
                )?;
                Ok(sig.to_der()?)
            }
            Scheme::RsaPss(d) if is_rsa => {
                let digest = openssl::hash::hash(d.md(), data)?;
                let (hash_alg, mgf) = mech(d);
                let params = PkcsPssParams {
                    hash_alg,
                    mgf,
                    s_len: u64::try_from(digest.len()).unwrap_or(32).into(),
                };
                self.with_session(|s| {
                    s.sign(
                        &Mechanism::RsaPkcsPss(params),
                        self.private_handle(s)?,
                        &digest,
                    )
                })
            }
            Scheme::RsaPkcs1(d) if is_rsa => {
                let m = match d {
                    Digest::Sha1 => Mechanism::Sha1RsaPkcs,
                    Digest::Sha256 => Mechanism::Sha256RsaPkcs,
                    Digest::Sha384 => Mechanism::Sha384RsaPkcs,
                    Digest::Sha512 => Mechanism::Sha512RsaPkcs,
                };
                self.with_session(|s| s.sign(&m, self.private_handle(s)?, data))
            }
            _ => Err(Error::Unsupported("this signature scheme")),
        }
    }

    fn decrypt_rsa_oaep(
        &self,
        ciphertext: &[u8],
        digest: Digest,
        mgf: Digest,
        label: Option<&[u8]>,
    ) -> Result<Vec<u8>, Error> {
        if self.public.id() != Id::RSA {
            return Err(Error::Unsupported("RSA-OAEP"));
        }
        if self.raw_oaep {
            // The RSA operation in the token, the padding checked here (keys::oaep).
            let em = self.with_session(|s| {
                s.decrypt(&Mechanism::RsaX509, self.private_handle(s)?, ciphertext)
            })?;
            let k = self.public.size();
            return super::oaep::decode(&em, k, digest, mgf, label);
        }
        let (hash_alg, _) = mech(digest);
        let (_, mgf) = mech(mgf);
        self.with_session(|s| {
            let source = label.map_or_else(PkcsOaepSource::empty, PkcsOaepSource::data_specified);
            let params = PkcsOaepParams::new(hash_alg, mgf, source);
            s.decrypt(
                &Mechanism::RsaPkcsOaep(params),
                self.private_handle(s)?,
                ciphertext,
            )
        })
    }

    fn ecdh(&self, peer: &EcPointRef) -> Result<Secret, Error> {
        let field = self.field_bytes.ok_or(Error::Unsupported("ECDH"))?;
        let ec = self.public.ec_key()?;
        let mut ctx = BigNumContext::new()?;
        let peer = peer.to_bytes(ec.group(), PointConversionForm::UNCOMPRESSED, &mut ctx)?;
        let value_len = u64::try_from(field).unwrap_or(32);
        let z = self.with_session(|s| {
            let params = Ecdh1DeriveParams::new(EcKdf::null(), &peer);
            let secret = s.derive_key(
                &Mechanism::Ecdh1Derive(params),
                self.private_handle(s)?,
                &[
                    Attribute::Class(ObjectClass::SECRET_KEY),
                    Attribute::KeyType(KeyType::GENERIC_SECRET),
                    Attribute::Token(false),
                    Attribute::Sensitive(false),
                    Attribute::Extractable(true),
                    Attribute::ValueLen(value_len.into()),
                ],
            )?;
            let value = s.get_attributes(secret, &[AttributeType::Value]);
            // Destroyed whatever happened: the secret must not outlive this call in the token.
            let destroyed = s.destroy_object(secret);
            let value = value?;
            destroyed?;
            Ok(value.into_iter().find_map(|a| match a {
                Attribute::Value(v) => Some(v),
                _ => None,
            }))
        })?;
        let z = z.ok_or_else(|| Error::Failed("PKCS#11: ECDH gave no value".into()))?;
        if z.len() != field {
            return Err(Error::Failed("PKCS#11: ECDH value length".into()));
        }
        Ok(Secret::new(z))
    }
}

#[cfg(test)]
mod tests;

pub mod provision;
