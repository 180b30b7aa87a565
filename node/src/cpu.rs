//! A bounded pool for CPU-heavy work (XML parsing, schema validation, signature verification,
//! decryption), so that it never runs on the async worker threads.
//!
//! Why: a worker thread busy with one large message cannot poll anything else, so with two cores
//! two such requests would stall `/healthz`, `/readyz` and every login. Work here runs on tokio's
//! blocking threads, at most `permits` jobs at a time (more would only share the same cores);
//! further callers wait asynchronously for a permit, up to `max_wait`, and are then told the node
//! is busy rather than queued without end.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

/// Waiting for a permit took longer than the pool allows, or the job itself panicked (a bug: the
/// code run here must not panic, but a panic must not take the caller down with it).
#[derive(Debug, thiserror::Error, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    #[error("CPU pool busy: no slot within the allowed wait")]
    Timeout,
    #[error("CPU pool job failed")]
    JobFailed,
}

#[derive(Clone, Debug)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
    max_wait: Duration,
}

impl CpuPool {
    /// `permits` concurrent jobs (at least one).
    pub fn new(permits: usize, max_wait: Duration) -> Self {
        CpuPool {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            max_wait,
        }
    }

    /// One job per core, waiting at most ten seconds for a slot.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        CpuPool::new(cores, Duration::from_secs(10))
    }

    /// Runs `job` on a blocking thread once a slot is free.
    pub async fn run<T, F>(&self, job: F) -> Result<T, Busy>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| Busy::Timeout)?
            .map_err(|_| Busy::JobFailed)?;
        tokio::task::spawn_blocking(move || {
            let out = job();
            drop(permit);
            out
        })
        .await
        .map_err(|_| Busy::JobFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_permits_jobs_run_at_once() {
        let pool = CpuPool::new(2, Duration::from_secs(10));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let jobs = (0..8).map(|_| {
            let (pool, running, peak) = (pool.clone(), running.clone(), peak.clone());
            tokio::spawn(async move {
                pool.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            })
        });
        for j in jobs.collect::<Vec<_>>() {
            assert_eq!(j.await.ok(), Some(Ok(())));
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_async_worker_stays_free_while_a_job_runs() {
        // The job waits for a message that only an async task on the one worker thread can send:
        // were the job run on that thread, the message could never come.
        let pool = CpuPool::new(1, Duration::from_secs(10));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let job = pool.run(move || rx.recv_timeout(Duration::from_secs(20)).is_ok());
        let sender = async move {
            tokio::task::yield_now().await;
            tx.send(()).ok();
        };
        let (got, ()) = tokio::join!(job, sender);
        assert_eq!(got, Ok(true));
    }

    #[tokio::test]
    async fn a_caller_that_cannot_get_a_slot_is_told_the_pool_is_busy() {
        let pool = CpuPool::new(1, Duration::from_millis(50));
        let hog = pool.run(|| std::thread::sleep(Duration::from_millis(400)));
        let late = async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            pool.run(|| ()).await
        };
        let (first, second) = tokio::join!(hog, late);
        assert_eq!(first, Ok(()));
        assert_eq!(second, Err(Busy::Timeout));
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_not_a_crash() {
        let pool = CpuPool::new(1, Duration::from_secs(1));
        #[allow(clippy::panic)]
        let r = pool.run(|| -> () { panic!("bug") }).await;
        assert_eq!(r, Err(Busy::JobFailed));
        assert_eq!(pool.run(|| 7).await, Ok(7));
    }
}
