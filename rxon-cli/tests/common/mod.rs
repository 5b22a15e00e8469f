//! Helpers shared by the `rxon` binary's tests.

use std::process::Child;

/// A child process killed and reaped when the test lets go of it (also when it panics).
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
