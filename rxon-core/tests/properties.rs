//! Property tests: every model survives encode → decode unchanged, and the canonical form is
//! valid JSON that canonicalises to itself.

use proptest::collection::{btree_map, vec};
use proptest::option::of;
use proptest::prelude::*;
use rxon_core::canonical::{json_dumps, to_dict};
use rxon_core::json::{self, Number, Object, Value};
use rxon_core::models::*;
use std::collections::BTreeMap;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-z_]{0,8}", Just(String::new())]
}

/// Any JSON value, with big integers and odd floats, not yet canonical.
fn raw_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "-?[1-9][0-9]{19,40}".prop_map(|t| Value::Number(Number::from_integer_text(&t).expect("integer literal"))),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            btree_map(text(), inner, 0..5).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON object already in canonical form (so it compares equal after a round trip).
fn object() -> impl Strategy<Value = Object> {
    btree_map(text(), raw_json(), 0..4).prop_map(|m| {
        let raw = Value::Object(m.into_iter().collect());
        match to_dict(&raw).expect("canonical") {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    })
}

fn float() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |f| f.is_finite())
}

fn strings() -> impl Strategy<Value = Vec<String>> {
    vec(text(), 0..3)
}

fn string_map() -> impl Strategy<Value = BTreeMap<String, String>> {
    btree_map(text(), text(), 0..3)
}

prop_compose! {
    fn security()(signature in of(text()), signer_id in of(text()), identity_chain in of(strings()), metadata in of(object()))
        -> SecurityContext { SecurityContext { signature, signer_id, identity_chain, metadata } }
}
prop_compose! {
    fn file_metadata()(uri in text(), size in any::<i64>(), etag in of(text()), metadata in of(object()))
        -> FileMetadata { FileMetadata { uri, size, etag, metadata } }
}
prop_compose! {
    fn device()(type_ in text(), model in of(text()), id in of(text()), properties in of(object()), metrics in of(object()))
        -> HardwareDevice { HardwareDevice { type_, model, id, properties, metrics } }
}
prop_compose! {
    fn device_usage()(unit_id in text(), load_percent in float(), metrics in of(object()))
        -> DeviceUsage { DeviceUsage { unit_id, load_percent, metrics } }
}
prop_compose! {
    fn usage()(cpu_load_percent in of(float()), ram_used_gb in of(float()), devices_usage in of(vec(device_usage(), 0..3)))
        -> ResourcesUsage { ResourcesUsage { cpu_load_percent, ram_used_gb, devices_usage } }
}
prop_compose! {
    fn resources()(devices in of(vec(device(), 0..3)), properties in of(object()))
        -> Resources { Resources { devices, properties } }
}
prop_compose! {
    fn skill()(name in text(), type_ in of(text()), description in of(text()), version in of(text()),
               input_schema in of(object()), output_schema in of(object()),
               events_schema in of(btree_map(text(), object(), 0..2)), output_statuses in of(strings()),
               schema_dialect in of(text()), properties in of(object()))
        -> SkillInfo {
        SkillInfo { name, type_, description, version, input_schema, output_schema, events_schema,
                    output_statuses, schema_dialect, properties }
    }
}
prop_compose! {
    fn artifact()(name in text(), version in of(text()), type_ in of(text()), properties in of(object()))
        -> InstalledArtifact { InstalledArtifact { name, version, type_, properties } }
}
prop_compose! {
    fn capabilities()(hostname in of(text()), ip_address in of(text()), cost_per_skill in of(btree_map(text(), float(), 0..3)),
                      s3_config_hash in of(text()), extra in of(object()))
        -> WorkerCapabilities { WorkerCapabilities { hostname, ip_address, cost_per_skill, s3_config_hash, extra } }
}
prop_compose! {
    fn registration()(worker_id in text(), worker_type in of(text()), supported_skills in of(vec(skill(), 0..2)),
                      available_skills in of(strings()), hot_skills in of(strings()), resources in of(resources()),
                      installed_software in of(string_map()), installed_artifacts in of(vec(artifact(), 0..2)),
                      capabilities in of(capabilities()), skills_hash in of(text()), security in of(security()),
                      metadata in of(object()), timestamp in of(any::<i64>()))
        -> WorkerRegistration {
        WorkerRegistration { worker_id, worker_type, supported_skills, available_skills, hot_skills, resources,
                             installed_software, installed_artifacts, capabilities, skills_hash, security,
                             metadata, timestamp }
    }
}
prop_compose! {
    fn heartbeat()(worker_id in text(), status in text(), usage in of(usage()), current_tasks in of(strings()),
                   supported_skills in of(vec(skill(), 0..2)), available_skills in of(strings()),
                   hot_skills in of(strings()), skills_hash in of(text()), security in of(security()),
                   metadata in of(object()), timestamp in of(any::<i64>()))
        -> Heartbeat {
        Heartbeat { worker_id, status, usage, current_tasks, supported_skills, available_skills, hot_skills,
                    skills_hash, security, metadata, timestamp }
    }
}
prop_compose! {
    fn task()(job_id in text(), task_id in text(), type_ in text(), params in of(object()),
              tracing_context in of(string_map()), params_metadata in of(btree_map(text(), file_metadata(), 0..2)),
              priority in of(float()), deadline in of(any::<i64>()), security in of(security()),
              metadata in of(object()), timestamp in of(any::<i64>()), policy in of(object()), sig in of(text()),
              step in any::<i64>(), depth in any::<i64>(), parent_hash in of(text()))
        -> TaskPayload {
        TaskPayload { job_id, task_id, type_, params, tracing_context, params_metadata, priority, deadline,
                      security, metadata, timestamp, policy, sig, step, depth, parent_hash }
    }
}
prop_compose! {
    fn task_error()(code in text(), message in text(), details in of(object()))
        -> TaskError { TaskError { code, message, details } }
}
prop_compose! {
    fn task_result()(job_id in text(), task_id in text(), worker_id in of(text()), origin_worker_id in of(text()),
                     status in of(text()), data in of(object()), error in of(task_error()),
                     data_metadata in of(btree_map(text(), file_metadata(), 0..2)), security in of(security()),
                     metadata in of(object()), timestamp in of(any::<i64>()), costs in of(object()))
        -> TaskResult {
        TaskResult { job_id, task_id, worker_id, origin_worker_id, status, data, error, data_metadata, security,
                     metadata, timestamp, costs }
    }
}
prop_compose! {
    fn event()(event_id in text(), worker_id in text(), origin_worker_id in text(), event_type in text(),
               payload in object(), origin_task_id in of(text()), bubbling_chain in of(strings()),
               target_job_id in of(text()), target_task_id in of(text()), trace_context in of(string_map()),
               priority in of(float()), timestamp in of(any::<i64>()), security in of(security()), metadata in of(object()))
        -> WorkerEventPayload {
        WorkerEventPayload { event_id, worker_id, origin_worker_id, event_type, payload, origin_task_id,
                             bubbling_chain, target_job_id, target_task_id, trace_context, priority, timestamp,
                             security, metadata }
    }
}
prop_compose! {
    fn command()(command in text(), task_id in of(text()), job_id in of(text()), params in of(object()), metadata in of(object()))
        -> WorkerCommand { WorkerCommand { command, task_id, job_id, params, metadata } }
}
prop_compose! {
    fn token()(access_token in text(), expires_in in any::<i64>(), worker_id in text(), refresh_token in of(text()),
               metadata in of(object()))
        -> TokenResponse { TokenResponse { access_token, expires_in, worker_id, refresh_token, metadata } }
}

fn assert_roundtrip<M: Message>(model: &M) -> Result<(), TestCaseError> {
    let text = model.to_json().map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = M::from_json(text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
    prop_assert_eq!(&back, model, "through {}", text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(64) })]

    #[test]
    fn task_payload_roundtrips(m in task()) { assert_roundtrip(&m)?; }
    #[test]
    fn task_result_roundtrips(m in task_result()) { assert_roundtrip(&m)?; }
    #[test]
    fn heartbeat_roundtrips(m in heartbeat()) { assert_roundtrip(&m)?; }
    #[test]
    fn registration_roundtrips(m in registration()) { assert_roundtrip(&m)?; }
    #[test]
    fn event_roundtrips(m in event()) { assert_roundtrip(&m)?; }
    #[test]
    fn command_roundtrips(m in command()) { assert_roundtrip(&m)?; }
    #[test]
    fn token_roundtrips(m in token()) { assert_roundtrip(&m)?; }
    #[test]
    fn parts_roundtrip(s in skill(), a in artifact(), c in capabilities(), r in resources(), u in usage(),
                       d in device(), f in file_metadata(), x in security(), e in task_error()) {
        assert_roundtrip(&s)?; assert_roundtrip(&a)?; assert_roundtrip(&c)?; assert_roundtrip(&r)?;
        assert_roundtrip(&u)?; assert_roundtrip(&d)?; assert_roundtrip(&f)?; assert_roundtrip(&x)?;
        assert_roundtrip(&e)?;
    }

    #[test]
    fn json_text_reads_back_to_the_same_tree(v in raw_json()) {
        let text = json::to_text(&v);
        let back = json::parse(text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        prop_assert_eq!(back, v, "through {}", text);
    }

    #[test]
    fn any_bytes_parse_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = json::parse(&bytes);
        let _ = TaskPayload::from_json(&bytes);
    }

    #[test]
    fn canonical_form_is_json_that_canonicalises_to_itself(v in raw_json()) {
        let once = json_dumps(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let parsed = json::parse(once.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}: {once}")))?;
        let twice = json_dumps(&parsed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(once, twice);
    }
}
