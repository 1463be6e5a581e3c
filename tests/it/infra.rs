//! The SAM template and the code agree on where the function reads and writes.

use crate::helpers::*;
use serde_json::Value;
use std::path::Path;

/// The whole template, read with a real YAML parser (PyYAML, which the SAM CLI
/// brings into the test tools).
fn template() -> Value {
    let script = "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1]))))";
    let out = std::process::Command::new(python())
        .args(["-c", script])
        .arg(repo().join("infra/template.yaml"))
        .output()
        .expect("python with PyYAML (scripts/test.sh installs it)");
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The IAM statements of one resource's `Policies`.
fn statements(resource: &Value) -> Vec<Value> {
    let policies = resource["Properties"]["Policies"].as_array().cloned().unwrap_or_default();
    policies.iter().flat_map(|p| p["Statement"].as_array().cloned().unwrap_or_default()).collect()
}

/// The worker's IAM statements.
fn policy_statements() -> Vec<Value> {
    statements(&template()["Resources"]["ReportFunction"])
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        Value::Object(o) if o.contains_key("Fn::Sub") => strings(&o["Fn::Sub"]),
        _ => vec![],
    }
}

/// `*` matches any run of characters, `/` included, as in IAM.
fn glob(pattern: &str, key: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == key,
        Some((head, tail)) => {
            key.starts_with(head) && (0..=key.len() - head.len()).any(|i| glob(tail, &key[head.len() + i..]))
        }
    }
}

/// Object patterns granted for `action`, as keys inside the bucket.
fn object_patterns(statements: &[Value], action: &str) -> Vec<String> {
    let bucket = "arn:${AWS::Partition}:s3:::${ReportBucket}/";
    statements
        .iter()
        .filter(|s| strings(&s["Action"]).iter().any(|a| a == action))
        .flat_map(|s| strings(&s["Resource"]))
        .filter_map(|r| r.strip_prefix(bucket).map(str::to_string))
        .collect()
}

fn keys_written(out: &Path) -> Vec<String> {
    files_under(out)
        .iter()
        .map(|p| p.strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/"))
        .filter(|k| !k.starts_with("outbox/"))
        .collect()
}

#[test]
fn every_key_the_function_touches_is_allowed_by_its_policy() {
    // The keys a real run writes (archive, manifest, delivery record) and a resend's record.
    let dir = tempfile::tempdir().unwrap();
    for extra in [None, Some("--resend")] {
        let mut cmd = cli();
        cmd.args(["report", "--period", "weekly", "--recipients", "team@acme.example", "--out"]).arg(dir.path());
        cmd.args(extra);
        assert!(run(&mut cmd).status.success());
    }
    let written = keys_written(dir.path());
    assert!(written.iter().any(|k| k.ends_with("/manifest.json")), "{written:?}");
    let records: Vec<&String> = written.iter().filter(|k| k.contains("/deliveries/")).collect();
    assert_eq!(records.len(), 2, "the first record and the resend's: {written:?}");

    let statements = policy_statements();
    let allowed = |action: &str, key: &str| object_patterns(&statements, action).iter().any(|p| glob(p, key));
    for key in &written {
        assert!(allowed("s3:PutObject", key), "s3:PutObject denied for {key}");
        assert!(allowed("s3:GetObject", key), "s3:GetObject denied for {key}");
    }
    for key in records {
        assert!(allowed("s3:DeleteObject", key), "a failed send cannot release its claim {key}");
    }
    // Query fixes are read from queries/ at cold start: listed, then fetched.
    assert!(allowed("s3:GetObject", "queries/top_intents_v2.graphql"));
    let listable: Vec<String> = statements
        .iter()
        .filter(|s| strings(&s["Action"]).iter().any(|a| a == "s3:ListBucket"))
        .flat_map(|s| strings(&s["Condition"]["StringLike"]["s3:prefix"]))
        .collect();
    for prefix in [moveo_reports::deliver::s3::QUERIES_PREFIX, written[0].as_str()] {
        assert!(listable.iter().any(|p| glob(p, prefix)), "ListBucket with prefix {prefix} denied: {listable:?}");
    }
}

#[test]
fn the_glob_matches_as_iam_does() {
    assert!(glob("reports/*", "reports/a/b/c.json"));
    assert!(glob("reports/*/deliveries/*", "reports/acc/weekly/x/deliveries/1.json"));
    assert!(!glob("reports/*/deliveries/*", "reports/acc/weekly/x/report.pdf"));
    assert!(glob("queries/*", "queries/"));
    assert!(!glob("reports/*", "elsewhere/reports/x"));
}

/// Resources as written: ARNs (`Fn::Sub` too) and `Fn::GetAtt` references as `Name.Attribute`.
fn named(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().flat_map(named).collect(),
        Value::Object(o) if o.contains_key("Fn::GetAtt") => vec![strings(&o["Fn::GetAtt"]).join(".")],
        _ => strings(v),
    }
}

#[test]
fn no_policy_grants_s3_ses_or_sqs_on_every_resource_and_the_worker_knows_the_queues_receive_count() {
    let t = template();
    for (name, resource) in t["Resources"].as_object().unwrap() {
        for statement in statements(resource) {
            let actions = strings(&statement["Action"]);
            if actions.iter().any(|a| ["s3:", "ses:", "sqs:"].iter().any(|s| a.starts_with(s))) {
                let resources = named(&statement["Resource"]);
                assert!(!resources.is_empty(), "{name}: {statement}");
                assert!(resources.iter().all(|r| r != "*"), "{name} grants {actions:?} on *");
            }
        }
    }
    // The worker tells owners on the last receive: it must know the queue's count.
    let max = &t["Resources"]["ReportQueue"]["Properties"]["RedrivePolicy"]["maxReceiveCount"];
    let told = &t["Globals"]["Function"]["Environment"]["Variables"]["JOB_MAX_RECEIVES"];
    assert_eq!(told.as_str().and_then(|s| s.parse::<u64>().ok()), max.as_u64(), "JOB_MAX_RECEIVES vs maxReceiveCount");
}
