//! Redis backend, through the `redis` crate only (one client library for all Redis access).
//!
//! Accepted URLs:
//! - `redis://[user:pass@]host:port[/db]` and `rediss://…` (TLS through native-tls/OpenSSL), over a
//!   [`ConnectionManager`] that reconnects on failure;
//! - `redis+cluster://[creds@]host1:port,host2:port` (and `rediss+cluster://`), over the crate's
//!   async cluster connection;
//! - `redis+sentinel://[creds@]sentinel1:port,sentinel2:port/<master-name>` (and
//!   `rediss+sentinel://`): the master is resolved through the sentinels at connect time.
//!
//! DEVIATION: after a sentinel failover the connection manager keeps reconnecting to the address it
//! resolved at start-up; a restart (or the orchestrator's health check) picks the new master. The
//! `redis` crate has no auto-resolving sentinel manager. Sentinel and cluster URLs run the store
//! contract when `TEST_REDIS_SENTINEL_URL` / `TEST_REDIS_CLUSTER_URL` are set (not in CI's script).

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster_async::ClusterConnection;

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
        let conn = match parse_url(url)? {
            Topology::Single(u) => {
                let client = redis::Client::open(u)?;
                Conn::Single(ConnectionManager::new_with_config(client, manager_config()).await?)
            }
            Topology::Cluster(nodes) => Conn::Cluster(
                redis::cluster::ClusterClient::builder(nodes)
                    .connection_timeout(TIMEOUT)
                    .response_timeout(TIMEOUT)
                    .build()?
                    .get_async_connection()
                    .await?,
            ),
            Topology::Sentinel { nodes, master } => {
                let mut sentinel = redis::sentinel::SentinelClient::build(
                    nodes,
                    master,
                    None,
                    redis::sentinel::SentinelServerType::Master,
                )?;
                let client = sentinel.async_get_client().await?;
                Conn::Single(ConnectionManager::new_with_config(client, manager_config()).await?)
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
        };
        Ok(v)
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

    #[test]
    fn parse_url_rejects_unknown_scheme_and_missing_master() {
        assert!(parse_url("http://x").is_err());
        assert!(parse_url("redis+sentinel://s1:26379").is_err());
        assert!(parse_url("redis+cluster://").is_err());
        assert!(parse_url("nonsense").is_err());
    }
}
