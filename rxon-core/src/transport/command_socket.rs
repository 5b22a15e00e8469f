//! Telling the orchestrator that this worker takes commands over the WebSocket.
//!
//! avtomatika 1.0b30 pushes `cancel_task` over the socket only when the worker's record has
//! `capabilities.websockets` truthy. The record is the registration as decoded (so only the
//! protocol's members survive: `capabilities.extra.websockets`, what its own worker SDK sends,
//! is kept but never read) merged with each heartbeat body as it arrives. So a transport whose
//! command stream is in use registers with `capabilities.extra.websockets: true`, and its
//! heartbeats carry the registered capabilities plus `websockets` — whether the socket is open
//! right now. Orchestrators that ignore unknown members (rxon's, the reference's) are unaffected.

use crate::canonical::to_dict;
use crate::error::Result;
use crate::json::{Object, Value};
use crate::models::{Heartbeat, WorkerRegistration};

/// The member of `capabilities.extra` and of a heartbeat's `capabilities` naming the socket.
const WEBSOCKETS: &str = "websockets";

/// `registration` advertising the command socket, and its capabilities as sent (for heartbeats).
pub(super) fn advertised_registration(registration: &WorkerRegistration) -> Result<(WorkerRegistration, Value)> {
    let mut advertised = registration.clone();
    let capabilities = advertised.capabilities.get_or_insert_default();
    capabilities
        .extra
        .get_or_insert_default()
        .insert(WEBSOCKETS, Value::Bool(true));
    let sent = to_dict(capabilities)?;
    Ok((advertised, sent))
}

/// `heartbeat` as a body carrying `capabilities` (those registered, if any) with
/// `websockets: open`.
pub(super) fn advertised_heartbeat(heartbeat: &Heartbeat, registered: Option<&Value>, open: bool) -> Result<Object> {
    let mut capabilities = registered.and_then(Value::as_object).cloned().unwrap_or_default();
    capabilities.insert(WEBSOCKETS, Value::Bool(open));
    let mut body = match to_dict(heartbeat)? {
        Value::Object(body) => body,
        _ => Object::new(),
    };
    body.insert("capabilities", Value::Object(capabilities));
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::models::{Message, WorkerCapabilities};

    #[test]
    fn registrations_advertise_the_socket_beside_their_own_extra() {
        let registration = WorkerRegistration {
            worker_id: "w".into(),
            capabilities: Some(WorkerCapabilities {
                hostname: Some("box".into()),
                extra: json!({"gpu": 1}).as_object().cloned(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let (advertised, sent) = advertised_registration(&registration).unwrap();
        assert_eq!(
            sent,
            json!({"extra": {"gpu": 1, "websockets": true}, "hostname": "box"})
        );
        assert_eq!(
            advertised.to_json().unwrap(),
            r#"{"capabilities":{"extra":{"gpu":1,"websockets":true},"hostname":"box"},"worker_id":"w"}"#
        );
        let bare = WorkerRegistration {
            worker_id: "w".into(),
            ..Default::default()
        };
        assert_eq!(
            advertised_registration(&bare).unwrap().1,
            json!({"extra": {"websockets": true}})
        );
    }

    #[test]
    fn heartbeats_carry_the_registered_capabilities_and_the_socket_state() {
        let heartbeat = Heartbeat {
            worker_id: "w".into(),
            status: "idle".into(),
            ..Default::default()
        };
        let registered = json!({"extra": {"websockets": true}, "hostname": "box"});
        let body = advertised_heartbeat(&heartbeat, Some(&registered), true).unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"capabilities": {"extra": {"websockets": true}, "hostname": "box", "websockets": true},
                   "status": "idle", "worker_id": "w"})
        );
        let closed = advertised_heartbeat(&heartbeat, None, false).unwrap();
        assert_eq!(closed.get("capabilities"), Some(&json!({"websockets": false})));
    }
}
