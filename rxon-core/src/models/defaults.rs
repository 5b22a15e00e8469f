//! Default values of model members, and the predicates that leave a member out of the
//! encoding when it equals its default (the reference's `omit_defaults`, compared by value).

macro_rules! string_default {
    ($($value_fn:ident, $is_fn:ident => $text:literal;)*) => {$(
        pub(crate) fn $value_fn() -> String {
            $text.to_string()
        }
        pub(crate) fn $is_fn(value: &str) -> bool {
            value == $text
        }
    )*};
}

string_default! {
    worker_type, is_worker_type => "generic";
    schema_dialect, is_schema_dialect => "json-schema";
    artifact_version, is_artifact_version => "unknown";
    hostname, is_hostname => "unknown";
    ip_address, is_ip_address => "0.0.0.0";
    task_status, is_task_status => "success";
}

pub(crate) fn is_zero_f64(value: &f64) -> bool {
    *value == 0.0
}

pub(crate) fn is_zero_i64(value: &i64) -> bool {
    *value == 0
}
