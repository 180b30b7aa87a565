//! A bounded pool for CPU-heavy work (XML parsing, schema validation, signature verification,
//! decryption), so that it never runs on the async worker threads.
//!
//! Why: a worker thread busy with one large message cannot poll anything else, so with two cores
//! two such requests would stall `/healthz`, `/readyz` and every login. Work here runs on the
//! pool's own threads, one job per thread at a time (more would only share the same cores);
//! further callers wait asynchronously for a slot, up to `max_wait`, and are then told the node
//! is busy rather than queued without end.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use tokio::sync::{oneshot, Semaphore};

/// Waiting for a slot took longer than the pool allows, or the job itself panicked (a bug: the
/// code run here must not panic, but a panic must not take the caller or the pool down with it).
#[derive(Debug, thiserror::Error, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    #[error("CPU pool busy: no slot within the allowed wait")]
    Timeout,
    #[error("CPU pool job failed")]
    JobFailed,
}

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of threads. Fixed rather than tokio's blocking pool, which starts a thread
/// whenever none is idle at that instant: each new thread gets its own malloc arena, which cost
/// 6 MiB of resident memory under load for no speed.
#[derive(Clone, Debug)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    max_wait: Duration,
}

impl CpuPool {
    /// `threads` workers (at least one), each running one job at a time.
    pub fn new(threads: usize, max_wait: Duration) -> Self {
        let threads = threads.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("eidas-cpu-{i}"))
                .spawn(move || loop {
                    let next = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    match next {
                        // The job reports its own result; a panic is caught so the thread lives on.
                        Ok(job) => drop(catch_unwind(AssertUnwindSafe(job))),
                        Err(_) => return,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a CPU pool thread");
            }
        }
        CpuPool {
            permits: Arc::new(Semaphore::new(threads)),
            jobs,
            max_wait,
        }
    }

    /// One thread per core, callers waiting at most `max_wait` for a slot.
    pub fn per_core(max_wait: Duration) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        CpuPool::new(cores, max_wait)
    }

    /// Runs `job` on a pool thread once a slot is free (waiting asynchronously).
    pub async fn run<T, F>(&self, job: F) -> Result<T, Busy>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| Busy::Timeout)?
            .map_err(|_| Busy::JobFailed)?;
        let (tx, rx) = oneshot::channel();
        // The slot is given back when the job has run, not when the caller stops waiting: a
        // caller that goes away (a client disconnecting) cannot make room for more jobs than
        // there are threads.
        self.jobs
            .send(Box::new(move || {
                let _ = tx.send(job());
                drop(permit);
            }))
            .map_err(|_| Busy::JobFailed)?;
        rx.await.map_err(|_| Busy::JobFailed)
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
    async fn a_caller_that_goes_away_keeps_its_slot_until_the_job_has_run() {
        let pool = CpuPool::new(1, Duration::from_millis(50));
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let first = {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.run(move || gate.recv_timeout(Duration::from_secs(20)).is_ok())
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        first.abort();
        assert!(first.await.is_err(), "the first caller went away");
        // Its job still holds the only thread, so the slot is not free.
        assert_eq!(pool.run(|| ()).await, Err(Busy::Timeout));
        release.send(()).ok();
        let pool = CpuPool {
            max_wait: Duration::from_secs(20),
            ..pool
        };
        assert_eq!(pool.run(|| 1).await, Ok(1));
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
