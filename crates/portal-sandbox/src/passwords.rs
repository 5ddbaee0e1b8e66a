//! A bound on Argon2 verifications.
//!
//! Each verification takes about 19 MiB (Argon2id's default memory cost) and tens of
//! milliseconds of a core. Unbounded, 200 sign-ins sent at once took the sandbox to 3.8 GiB.
//! So at most [`RUNNING`] run at a time (on that many threads), at most [`WAITING`] more wait
//! their turn (a semaphore of places), and a sign-in beyond that is answered 429 `rate_limited`
//! at once, nothing checked.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use crate::crypto::{HashMemory, dummy_hash, verify_password_in};
use crate::error::ApiError;

/// Verifications that run at the same time: the number of threads that run them.
pub const RUNNING: usize = 2;
/// Verifications that may wait for one of those threads.
pub const WAITING: usize = 8;

/// One verification: the password, the stored hash (`None`: the dummy one), the place it holds
/// and where its answer goes.
struct Job {
    password: String,
    hash: Option<String>,
    place: OwnedSemaphorePermit,
    answer: oneshot::Sender<bool>,
}

/// [`RUNNING`] threads that verify passwords, and the places to wait for them.
///
/// Dedicated threads rather than tokio's blocking pool, each verifying in one working memory it
/// keeps ([`HashMemory`]): memory allocated per verification was not reused (355 MiB after 200
/// parallel sign-ins with only two running at a time), so the sandbox holds exactly
/// [`RUNNING`] of them.
#[derive(Debug)]
pub struct PasswordGate {
    /// [`RUNNING`] + [`WAITING`] permits: one per verification admitted, running or waiting.
    places: Arc<Semaphore>,
    /// Where verifications wait for a thread. The threads end when the gate is dropped.
    jobs: Sender<Job>,
}

impl PasswordGate {
    /// Starts the [`RUNNING`] threads.
    pub fn new() -> std::io::Result<Self> {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..RUNNING {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || run(&queue))?;
        }
        Ok(Self {
            places: Arc::new(Semaphore::new(RUNNING + WAITING)),
            jobs,
        })
    }

    /// Whether `password` matches `hash` (with no hash, it is checked against a dummy one so that
    /// an unknown email costs the same time). `None` when [`WAITING`] verifications are already
    /// waiting: nothing was checked.
    ///
    /// A verification whose request is dropped still runs to its end and holds its place until
    /// then, so cancelling requests frees nothing early.
    pub async fn verify(
        &self,
        password: String,
        hash: Option<String>,
    ) -> Result<Option<bool>, ApiError> {
        let Ok(place) = Arc::clone(&self.places).try_acquire_owned() else {
            return Ok(None);
        };
        let (answer, verified) = oneshot::channel();
        let job = Job {
            password,
            hash,
            place,
            answer,
        };
        self.jobs
            .send(job)
            .map_err(|_| ApiError::internal("the password threads have stopped"))?;
        verified
            .await
            .map(Some)
            .map_err(|_| ApiError::internal("a password thread stopped mid-verification"))
    }
}

/// A password thread: verifies jobs, in one working memory, until the gate is dropped.
fn run(queue: &Mutex<Receiver<Job>>) {
    let mut memory = HashMemory::default();
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let hash: &str = job.hash.as_deref().unwrap_or_else(|| dummy_hash());
        let verified = verify_password_in(&job.password, hash, &mut memory);
        // The place is free once the memory is: before the answer, so the next one may start.
        drop(job.place);
        let _ = job.answer.send(verified);
    }
}

/// The answer when the gate is full: 429, try again in a second.
pub fn busy() -> ApiError {
    ApiError::rate_limited(
        "Too many sign-ins are being checked at once; try again in a second",
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::hash_password;

    #[tokio::test]
    async fn verifies_and_refuses_past_the_queue_without_checking() {
        let gate = PasswordGate::new().expect("threads start");
        let hash = hash_password("right").expect("a hash");
        let verify = |password: &str| gate.verify(password.to_owned(), Some(hash.clone()));
        assert_eq!(verify("right").await.expect("no error"), Some(true));
        assert_eq!(verify("wrong").await.expect("no error"), Some(false));
        assert_eq!(
            gate.verify("x".to_owned(), None).await.expect("no error"),
            Some(false),
            "an unknown account is checked against the dummy hash"
        );
        let taken = Arc::clone(&gate.places)
            .try_acquire_many_owned(u32::try_from(RUNNING + WAITING).expect("small"))
            .expect("every place");
        assert_eq!(
            verify("right").await.expect("no error"),
            None,
            "with every place taken, a verification is refused at once"
        );
        drop(taken);
        assert_eq!(verify("right").await.expect("no error"), Some(true));
        assert_eq!(
            gate.places.available_permits(),
            RUNNING + WAITING,
            "places are given back"
        );
    }
}
