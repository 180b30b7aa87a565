//! Redis backend, through the `redis` crate only (one client library for all Redis access).
//!
//! Accepted URLs:
//! - `redis://[user:pass@]host:port[/db]` and `rediss://…` (TLS through native-tls/OpenSSL), over a
//!   [`ConnectionManager`] that reconnects on failure;
//! - `redis+cluster://[creds@]host1:port,host2:port` (and `rediss+cluster://`), over the crate's
//!   async cluster connection, which follows slot moves and failovers itself;
//! - `redis+sentinel://[creds@]sentinel1:port,sentinel2:port/<master-name>` (and
//!   `rediss+sentinel://`): the master is asked of the sentinels and checked with `ROLE`, and asked
//!   again whenever the connection to it is lost or it answers `READONLY` (it was demoted in a
//!   failover), so a failover is followed without a restart ([`SentinelConn`]).
//!
//! TLS: `rediss` URLs verify the server against the system trust store, or against
//! [`Tls::ca`] (`store.tls_ca_file`) with an optional client certificate for mutual TLS. The
//! `redis` crate takes custom roots for cluster connections only with rustls, so with
//! `rediss+cluster://` the CA must be in the system trust store (or `SSL_CERT_FILE`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster_async::ClusterConnection;
use redis::{ErrorKind, RedisError, ServerErrorKind};

use super::{Error, KvBackend};

/// A Redis that does not answer within this time is a store failure (`temporarily_unavailable`),
/// not a request hanging until the client gives up.
const TIMEOUT: Duration = Duration::from_secs(2);

fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_connection_timeout(Some(TIMEOUT))
        .set_response_timeout(Some(TIMEOUT))
        .set_number_of_retries(2)
}

#[derive(Clone)]
enum Conn {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
    Sentinel(Arc<SentinelConn>),
}

/// TLS material beyond the system trust store, all PEM (`store.tls_ca_file`,
/// `store.tls_client_cert_file`, `store.tls_client_key_file`).
#[derive(Clone, Default)]
pub struct Tls {
    pub ca: Option<Vec<u8>>,
    pub client_cert: Option<Vec<u8>>,
    pub client_key: Option<Vec<u8>>,
}

impl Tls {
    fn is_empty(&self) -> bool {
        self.ca.is_none() && self.client_cert.is_none() && self.client_key.is_none()
    }

    fn certificates(&self) -> Result<Option<redis::TlsCertificates>, Error> {
        if self.is_empty() {
            return Ok(None);
        }
        let client_tls = match (&self.client_cert, &self.client_key) {
            (Some(cert), Some(key)) => Some(redis::ClientTlsConfig {
                client_cert: cert.clone(),
                client_key: key.clone(),
            }),
            (None, None) => None,
            _ => {
                return Err(Error::BadUrl {
                    problem: "a client certificate needs both tls_client_cert and tls_client_key"
                        .into(),
                })
            }
        };
        Ok(Some(redis::TlsCertificates {
            client_tls,
            root_cert: self.ca.clone(),
        }))
    }
}

/// A client for one server URL, with the configured TLS material when there is any.
fn client(url: &str, certs: Option<&redis::TlsCertificates>) -> Result<redis::Client, Error> {
    Ok(match certs {
        Some(c) if url.starts_with("rediss://") => redis::Client::build_with_tls(url, c.clone())?,
        _ => redis::Client::open(url)?,
    })
}

/// All keys are written under `prefix`, so several nodes (or test runs) can share one Redis.
#[derive(Clone)]
pub struct RedisBackend {
    conn: Conn,
    prefix: String,
}

impl std::fmt::Debug for RedisBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold a password: never print it.
        f.debug_struct("RedisBackend")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// How a URL is to be connected to; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Topology {
    Single(String),
    Cluster(Vec<String>),
    Sentinel { nodes: Vec<String>, master: String },
}

/// Parses the store URL without connecting.
pub fn parse_url(url: &str) -> Result<Topology, Error> {
    let bad = |problem: &str| Error::BadUrl {
        problem: problem.to_owned(),
    };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("expected scheme://…"))?;
    let (base, kind) = match scheme {
        "redis" | "rediss" => return Ok(Topology::Single(url.to_owned())),
        "redis+cluster" => ("redis", "cluster"),
        "rediss+cluster" => ("rediss", "cluster"),
        "redis+sentinel" => ("redis", "sentinel"),
        "rediss+sentinel" => ("rediss", "sentinel"),
        _ => {
            return Err(bad(
                "scheme must be redis, rediss, redis+cluster or redis+sentinel",
            ))
        }
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (creds, hosts) = match authority.rsplit_once('@') {
        Some((c, h)) => (format!("{c}@"), h),
        None => (String::new(), authority),
    };
    let nodes: Vec<String> = hosts
        .split(',')
        .filter(|h| !h.is_empty())
        .map(|h| format!("{base}://{creds}{h}"))
        .collect();
    if nodes.is_empty() {
        return Err(bad("no host given"));
    }
    if kind == "cluster" {
        return Ok(Topology::Cluster(nodes));
    }
    let master = path.trim_matches('/');
    if master.is_empty() {
        return Err(bad("sentinel URL needs the master name as its path"));
    }
    Ok(Topology::Sentinel {
        nodes,
        master: master.to_owned(),
    })
}

impl RedisBackend {
    /// Connects (and fails now rather than on the first request if Redis is unreachable).
    pub async fn connect(url: &str, prefix: impl Into<String>) -> Result<Self, Error> {
        Self::connect_with_tls(url, prefix, &Tls::default()).await
    }

    /// [`Self::connect`] with TLS material for `rediss` URLs.
    pub async fn connect_with_tls(
        url: &str,
        prefix: impl Into<String>,
        tls: &Tls,
    ) -> Result<Self, Error> {
        let certs = tls.certificates()?;
        let topology = parse_url(url)?;
        // TLS material with a plain-text URL would be silently unused: the operator meant TLS.
        if certs.is_some() && !url.starts_with("rediss") {
            return Err(Error::BadUrl {
                problem: "tls_ca / tls_client_* are set but the URL is not rediss://: \
                          the connection would not use TLS"
                    .into(),
            });
        }
        let conn = match topology {
            Topology::Single(u) => {
                let client = client(&u, certs.as_ref())?;
                Conn::Single(ConnectionManager::new_with_config(client, manager_config()).await?)
            }
            Topology::Cluster(nodes) => {
                if certs.is_some() {
                    return Err(Error::BadUrl {
                        problem: "tls_ca / tls_client_* are not supported with redis+cluster: \
                                  put the CA in the system trust store"
                            .into(),
                    });
                }
                Conn::Cluster(
                    redis::cluster::ClusterClient::builder(nodes)
                        .connection_timeout(TIMEOUT)
                        .response_timeout(TIMEOUT)
                        .build()?
                        .get_async_connection()
                        .await?,
                )
            }
            Topology::Sentinel { nodes, master } => {
                let conn = SentinelConn {
                    sentinels: nodes,
                    master,
                    certs,
                    current: Mutex::new(None),
                    generation: AtomicU64::new(0),
                    resolving: tokio::sync::Mutex::new(None),
                };
                // Resolve now, so that a wrong master name or unreachable sentinels fail start-up.
                conn.connection().await?;
                Conn::Sentinel(Arc::new(conn))
            }
        };
        Ok(RedisBackend {
            conn,
            prefix: prefix.into(),
        })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, Error> {
        // Both connection types are cheap clones over a shared multiplexed connection.
        let v = match &self.conn {
            Conn::Single(c) => cmd.query_async(&mut c.clone()).await?,
            Conn::Cluster(c) => cmd.query_async(&mut c.clone()).await?,
            Conn::Sentinel(s) => return s.query(cmd).await,
        };
        Ok(v)
    }
}

/// The connection to whichever server the sentinels name as master, replaced when it is lost or
/// turns out to be a replica.
///
/// Sentinel's client guidelines: ask the sentinels for the master's address
/// (`SENTINEL GET-MASTER-ADDR-BY-NAME`), verify it with `ROLE`, and ask again on disconnection or
/// when the server refuses a write with `READONLY` (a demoted master). A command refused with
/// `READONLY` was not executed, so it is sent once more to the new master; a command whose
/// connection was lost is not (it may have run), and fails as a store error like any other.
struct SentinelConn {
    sentinels: Vec<String>,
    master: String,
    certs: Option<redis::TlsCertificates>,
    /// The current master connection and its generation; `None` after it was found broken.
    current: Mutex<Option<(u64, ConnectionManager)>>,
    generation: AtomicU64,
    /// Held while resolving, so that concurrent requests wait for one resolution; holds when
    /// the last resolution failed, so that an outage is not answered with a storm of them.
    resolving: tokio::sync::Mutex<Option<Instant>>,
}

/// After a failed resolution, requests fail at once for this long rather than ask again.
const RESOLVE_BACKOFF: Duration = Duration::from_millis(200);
/// A whole resolution round (every sentinel, the named master's `ROLE`) gives up after this.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

impl SentinelConn {
    fn current(&self) -> Option<(u64, ConnectionManager)> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn connection(&self) -> Result<(u64, ConnectionManager), Error> {
        if let Some(c) = self.current() {
            return Ok(c);
        }
        let mut failed_at = self.resolving.lock().await;
        // Another request may have resolved while this one waited.
        if let Some(c) = self.current() {
            return Ok(c);
        }
        if failed_at.is_some_and(|t| t.elapsed() < RESOLVE_BACKOFF) {
            return Err(Error::NoMaster);
        }
        match self.resolve().await {
            Ok(manager) => {
                *failed_at = None;
                let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
                *self.current.lock().unwrap_or_else(PoisonError::into_inner) =
                    Some((generation, manager.clone()));
                Ok((generation, manager))
            }
            Err(e) => {
                *failed_at = Some(Instant::now());
                Err(e)
            }
        }
    }

    /// Forgets the connection of `generation` (not a newer one another request already made).
    fn invalidate(&self, generation: u64, cause: &'static str) {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current.as_ref().is_some_and(|(g, _)| *g == generation) {
            tracing::warn!(
                master = %self.master,
                cause,
                "lost the Redis master; asking the sentinels again"
            );
            *current = None;
        }
    }

    /// Asks each sentinel in turn for the master and returns a connection to the first address
    /// that confirms with `ROLE` that it is the master. Bounded by [`RESOLVE_TIMEOUT`], so that
    /// requests queued behind a resolution (a master that drops packets) fail in seconds; an
    /// address that failed is not tried again in the same round.
    async fn resolve(&self) -> Result<ConnectionManager, Error> {
        let round = async {
            let mut last = Error::NoMaster;
            let mut tried: Vec<String> = Vec::new();
            for sentinel in &self.sentinels {
                match self.master_from(sentinel, &mut tried).await {
                    Ok(manager) => return Ok(manager),
                    Err(e) => last = e,
                }
            }
            Err(last)
        };
        tokio::time::timeout(RESOLVE_TIMEOUT, round)
            .await
            .unwrap_or(Err(Error::NoMaster))
    }

    async fn master_from(
        &self,
        sentinel: &str,
        tried: &mut Vec<String>,
    ) -> Result<ConnectionManager, Error> {
        let mut conn = client(sentinel, self.certs.as_ref())?
            .get_multiplexed_async_connection_with_config(
                &redis::AsyncConnectionConfig::new()
                    .set_connection_timeout(Some(TIMEOUT))
                    .set_response_timeout(Some(TIMEOUT)),
            )
            .await?;
        let addr: Option<(String, u16)> = redis::cmd("SENTINEL")
            .arg("GET-MASTER-ADDR-BY-NAME")
            .arg(&self.master)
            .query_async(&mut conn)
            .await?;
        let (host, port) = addr.ok_or(Error::NoMaster)?;
        let url = master_url(sentinel, &host, port);
        if tried.contains(&url) {
            return Err(Error::NoMaster);
        }
        tried.push(url.clone());
        // No reconnection retries inside: a failed master connection is given up and the
        // sentinels asked again (`invalidate`), rather than retried at a stale address.
        let mut manager = ConnectionManager::new_with_config(
            client(&url, self.certs.as_ref())?,
            manager_config().set_number_of_retries(0),
        )
        .await?;
        let role: Vec<redis::Value> = redis::cmd("ROLE").query_async(&mut manager).await?;
        match role.first() {
            Some(redis::Value::BulkString(r)) if r == b"master" => Ok(manager),
            _ => Err(Error::NoMaster),
        }
    }

    async fn query<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, Error> {
        let (generation, mut manager) = self.connection().await?;
        match cmd.query_async(&mut manager).await {
            Ok(v) => Ok(v),
            Err(e) if is_read_only(&e) => {
                self.invalidate(generation, "READONLY: demoted to replica");
                let (generation, mut manager) = self.connection().await?;
                cmd.query_async(&mut manager).await.map_err(|e| {
                    if let Some(cause) = lost_master(&e) {
                        self.invalidate(generation, cause);
                    }
                    e.into()
                })
            }
            Err(e) => {
                if let Some(cause) = lost_master(&e) {
                    self.invalidate(generation, cause);
                }
                Err(e.into())
            }
        }
    }
}

fn is_read_only(e: &RedisError) -> bool {
    e.kind() == ErrorKind::Server(ServerErrorKind::ReadOnly)
}

/// Why `e` means the master connection is no good (not just this command), if it does.
fn lost_master(e: &RedisError) -> Option<&'static str> {
    if is_read_only(e) {
        Some("READONLY: demoted to replica")
    } else if e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
    {
        Some("connection lost")
    } else {
        None
    }
}

/// The master's URL: the sentinel URL's scheme and credentials with the address the sentinels
/// gave (bracketed when it is an IPv6 literal).
fn master_url(sentinel: &str, host: &str, port: u16) -> String {
    let (scheme, rest) = sentinel.split_once("://").unwrap_or(("redis", sentinel));
    let creds = rest.rsplit_once('@').map(|(c, _)| c);
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    match creds {
        Some(c) => format!("{scheme}://{c}@{host}:{port}"),
        None => format!("{scheme}://{host}:{port}"),
    }
}

fn ttl_ms(ttl: Duration) -> u64 {
    // PX 0 is an error in Redis; one millisecond is the shortest real TTL.
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

#[async_trait]
impl KvBackend for RedisBackend {
    async fn put(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<(), Error> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value).arg("PX").arg(ttl_ms(ttl));
        self.query::<()>(&cmd).await
    }

    async fn put_if_absent(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<bool, Error> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key))
            .arg(value)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms(ttl));
        let reply: Option<String> = self.query(&cmd).await?;
        Ok(reply.is_some())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let mut cmd = redis::cmd("GET");
        cmd.arg(self.key(key));
        self.query(&cmd).await
    }

    /// `GETDEL` (Redis ≥ 6.2): the read and the delete are one command, so of two concurrent
    /// redemptions exactly one sees the value.
    async fn take(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let mut cmd = redis::cmd("GETDEL");
        cmd.arg(self.key(key));
        self.query(&cmd).await
    }

    async fn ping(&self) -> Result<(), Error> {
        self.query::<String>(&redis::cmd("PING")).await.map(|_| ())
    }
}

/// Compare-and-set in one server-side step: `ARGV[1]` is `1` when a value is expected (then
/// `ARGV[2]`), `0` when the key must be absent; `ARGV[3]` is the new value.
const CAS_SCRIPT: &str = r"
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if cur then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
";

#[async_trait]
impl super::DurableBackend for RedisBackend {
    async fn put_durable(&self, key: &str, value: Vec<u8>) -> Result<(), Error> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value);
        self.query::<()>(&cmd).await
    }

    async fn get_durable(&self, key: &str) -> Result<Option<Vec<u8>>, Error> {
        let mut cmd = redis::cmd("GET");
        cmd.arg(self.key(key));
        self.query(&cmd).await
    }

    async fn delete_durable(&self, key: &str) -> Result<bool, Error> {
        let mut cmd = redis::cmd("DEL");
        cmd.arg(self.key(key));
        let n: i64 = self.query(&cmd).await?;
        Ok(n > 0)
    }

    async fn compare_and_set(
        &self,
        key: &str,
        expected: Option<&[u8]>,
        new: Vec<u8>,
    ) -> Result<bool, Error> {
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(CAS_SCRIPT)
            .arg(1)
            .arg(self.key(key))
            .arg(if expected.is_some() { "1" } else { "0" })
            .arg(expected.unwrap_or_default())
            .arg(new);
        let n: i64 = self.query(&cmd).await?;
        Ok(n == 1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::store::DurableBackend;

    #[test]
    fn parse_url_accepts_single_cluster_and_sentinel_forms() {
        assert_eq!(
            parse_url("rediss://:pw@h:6380/1").unwrap(),
            Topology::Single("rediss://:pw@h:6380/1".into())
        );
        assert_eq!(
            parse_url("redis+cluster://:pw@a:1,b:2").unwrap(),
            Topology::Cluster(vec!["redis://:pw@a:1".into(), "redis://:pw@b:2".into()])
        );
        assert_eq!(
            parse_url("redis+sentinel://s1:26379,s2:26379/mymaster").unwrap(),
            Topology::Sentinel {
                nodes: vec!["redis://s1:26379".into(), "redis://s2:26379".into()],
                master: "mymaster".into()
            }
        );
    }

    /// A `redis-server` (or sentinel, with `--sentinel`) on a free loopback port, killed on drop.
    struct Server(std::process::Child, u16);

    impl Server {
        fn start(dir: &std::path::Path, args: &[&str]) -> Option<Server> {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .ok()?
                .local_addr()
                .ok()?
                .port();
            let child = std::process::Command::new("redis-server")
                .args(args)
                .args([
                    "--port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                ])
                .arg("--dir")
                .arg(dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .ok()?;
            let deadline = Instant::now() + Duration::from_secs(10);
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(Instant::now() < deadline, "redis-server did not start");
                std::thread::sleep(Duration::from_millis(50));
            }
            Some(Server(child, port))
        }

        async fn run(&self, args: &[&str]) -> String {
            let c = redis::Client::open(format!("redis://127.0.0.1:{}", self.1)).unwrap();
            let mut conn = c.get_multiplexed_async_connection().await.unwrap();
            let v: redis::Value = redis::cmd(args[0])
                .arg(&args[1..])
                .query_async(&mut conn)
                .await
                .unwrap();
            format!("{v:?}")
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// A master demoted by hand keeps its clients and refuses writes with `READONLY`: the write
    /// is sent again to the master the sentinel names now, and succeeds there at once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_write_refused_as_readonly_goes_to_the_new_master() {
        let dir = std::env::temp_dir().join(format!("eidas-readonly-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let Some(a) = Server::start(&dir, &[]) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but redis-server is missing"
            );
            eprintln!("SKIPPED: redis-server is not on PATH");
            return;
        };
        let b_dir = dir.join("b");
        std::fs::create_dir_all(&b_dir).unwrap();
        let b = Server::start(&b_dir, &["--replicaof", "127.0.0.1", &a.1.to_string()]).unwrap();
        let conf = dir.join("sentinel.conf");
        std::fs::write(&conf, format!("sentinel monitor gw 127.0.0.1 {} 1\n", a.1)).unwrap();
        let sentinel = Server::start(&dir, &[conf.to_str().unwrap(), "--sentinel"]).unwrap();

        let store = RedisBackend::connect(
            &format!("redis+sentinel://127.0.0.1:{}/gw", sentinel.1),
            "t:",
        )
        .await
        .unwrap();
        store.put_durable("k", b"1".to_vec()).await.unwrap();

        b.run(&["REPLICAOF", "NO", "ONE"]).await;
        sentinel.run(&["SENTINEL", "REMOVE", "gw"]).await;
        sentinel
            .run(&[
                "SENTINEL",
                "MONITOR",
                "gw",
                "127.0.0.1",
                &b.1.to_string(),
                "1",
            ])
            .await;
        a.run(&["REPLICAOF", "127.0.0.1", &b.1.to_string()]).await;

        // The first write after the swap: refused by A, then done on B.
        store.put_durable("k", b"2".to_vec()).await.unwrap();
        let c = redis::Client::open(format!("redis://127.0.0.1:{}", b.1)).unwrap();
        let mut conn = c.get_multiplexed_async_connection().await.unwrap();
        let on_b: Option<Vec<u8>> = redis::cmd("GET")
            .arg("t:k")
            .query_async(&mut conn)
            .await
            .unwrap();
        assert_eq!(on_b.as_deref(), Some(&b"2"[..]), "the write is not on B");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn master_url_keeps_scheme_and_credentials_and_brackets_ipv6() {
        assert_eq!(
            master_url("rediss://:pw@s1:26379", "10.0.0.5", 6379),
            "rediss://:pw@10.0.0.5:6379"
        );
        assert_eq!(
            master_url("redis://s1:26379", "::1", 6380),
            "redis://[::1]:6380"
        );
    }

    #[test]
    fn parse_url_rejects_unknown_scheme_and_missing_master() {
        assert!(parse_url("http://x").is_err());
        assert!(parse_url("redis+sentinel://s1:26379").is_err());
        assert!(parse_url("redis+cluster://").is_err());
        assert!(parse_url("nonsense").is_err());
    }
}
