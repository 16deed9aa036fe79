//! The JSON report validates against docs/report.schema.json.
//!
//! The validator below implements the subset of JSON Schema the schema file uses, and
//! refuses any keyword it does not know, so the schema cannot silently drift past it.

mod report_support;

use std::path::PathBuf;
use std::time::Duration;

use interp::report::{ScenarioOutcome, ScenarioResult, json};
use serde_json::Value;

fn schema() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/report.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn validate(root: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    let Value::Object(s) = schema else {
        panic!("schema at {at} is not an object")
    };
    for (key, rule) in s {
        match key.as_str() {
            "$schema" | "$id" | "title" | "description" | "$defs" => {}
            "$ref" => {
                let name = rule
                    .as_str()
                    .unwrap()
                    .strip_prefix("#/$defs/")
                    .expect("local $ref");
                validate(root, &root["$defs"][name], v, at, errors);
            }
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                    _ => panic!("bad type at {at}"),
                };
                if !types.iter().any(|t| has_type(v, t)) {
                    errors.push(format!("{at}: {v} is not of type {types:?}"));
                }
            }
            "enum" => {
                if !rule.as_array().unwrap().contains(v) {
                    errors.push(format!("{at}: {v} not in {rule}"));
                }
            }
            "minimum" if v.is_number() && v.as_f64() < rule.as_f64() => {
                errors.push(format!("{at}: {v} < {rule}"));
            }
            "maximum" if v.is_number() && v.as_f64() > rule.as_f64() => {
                errors.push(format!("{at}: {v} > {rule}"));
            }
            "minimum" | "maximum" => {}
            "required" => {
                if let Value::Object(o) = v {
                    for name in rule.as_array().unwrap() {
                        if !o.contains_key(name.as_str().unwrap()) {
                            errors.push(format!("{at}: missing {name}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Value::Object(o) = v {
                    for (name, sub) in rule.as_object().unwrap() {
                        if let Some(field) = o.get(name) {
                            validate(root, sub, field, &format!("{at}.{name}"), errors);
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Value::Object(o) = v {
                    let known = s.get("properties").and_then(Value::as_object);
                    for (name, field) in o {
                        if known.is_some_and(|k| k.contains_key(name)) {
                            continue;
                        }
                        match rule {
                            Value::Bool(false) => errors.push(format!("{at}: unexpected {name}")),
                            Value::Bool(true) => {}
                            sub => validate(root, sub, field, &format!("{at}.{name}"), errors),
                        }
                    }
                }
            }
            "items" => {
                if let Value::Array(items) = v {
                    for (i, item) in items.iter().enumerate() {
                        validate(root, rule, item, &format!("{at}[{i}]"), errors);
                    }
                }
            }
            "oneOf" => {
                let outcomes: Vec<Vec<String>> = rule
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|sub| {
                        let mut e = Vec::new();
                        validate(root, sub, v, at, &mut e);
                        e
                    })
                    .collect();
                match outcomes.iter().filter(|e| e.is_empty()).count() {
                    1 => {}
                    0 => {
                        // Report the branch that got deepest into the value: the one
                        // the value was meant to match.
                        let depth = |e: &Vec<String>| {
                            e.iter()
                                .map(|m| m.split(": ").next().map_or(0, str::len))
                                .max()
                        };
                        errors.extend(outcomes.iter().max_by_key(|e| depth(e)).unwrap().clone());
                    }
                    n => errors.push(format!("{at}: {n} oneOf branches match")),
                }
            }
            other => panic!("validator does not know schema keyword {other:?} (at {at})"),
        }
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_u64() || v.is_i64(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => panic!("unknown type {t}"),
    }
}

fn errors_of(doc: &Value) -> Vec<String> {
    let schema = schema();
    let mut errors = Vec::new();
    validate(&schema, &schema, doc, "$", &mut errors);
    errors
}

fn results() -> Vec<ScenarioResult> {
    let ok = |r| ScenarioResult {
        file: PathBuf::from("scenarios/lost_update.scn"),
        outcome: ScenarioOutcome::Ok(Box::new(r)),
        duration: Duration::from_millis(30),
    };
    vec![
        ok(report_support::report(true)),
        ok(report_support::passing_report()),
        ScenarioResult {
            file: PathBuf::from("scenarios/bad.scn"),
            outcome: ScenarioOutcome::Invalid("error: unknown name `lokc`".into()),
            duration: Duration::from_millis(1),
        },
        ScenarioResult {
            file: PathBuf::from("scenarios/boom.toml"),
            outcome: ScenarioOutcome::Internal("fork failed: EAGAIN".into()),
            duration: Duration::from_millis(1),
        },
    ]
}

#[test]
fn real_report_validates_against_the_schema() {
    let text = json::to_string(&results());
    let doc: Value = serde_json::from_str(&text).unwrap();
    let errors = errors_of(&doc);
    assert!(errors.is_empty(), "{errors:#?}\n{text}");

    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["totals"]["scenarios"], 4);
    assert_eq!(doc["totals"]["failed"], 1);
    assert_eq!(doc["totals"]["runs"], 8);
    let statuses: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "passed", "invalid", "internal"]);
    let failed = &doc["results"][0]["report"];
    assert_eq!(failed["ends"]["deadlock"]["lock_cycle"], 1);
    assert_eq!(failed["claims"][1]["example"]["seed"], "244837814042627");
    assert_eq!(
        failed["claims"][1]["example"]["replay"],
        "interp run scenarios/lost_update.scn --replay 244837814042627 --stress"
    );
    let rows = failed["histograms"][0]["rows"].as_array().unwrap();
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["value", "value", "not_observed", "never_seen"]);
    assert_eq!(rows[1]["grade"], "interesting");
    assert_eq!(rows[2]["grade"], Value::Null);
    assert_eq!(doc["results"][2]["error"], "error: unknown name `lokc`");
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let mut doc: Value = serde_json::from_str(&json::to_string(&results())).unwrap();
    doc["results"][0]["status"] = "weird".into();
    doc["results"][0]["report"]["claims"][0]["extra"] = 1.into();
    doc["results"][0]["report"]["histograms"][0]["rows"][0]["count"] = (-1).into();
    doc["totals"].as_object_mut().unwrap().remove("runs");
    let errors = errors_of(&doc);
    assert_eq!(errors.len(), 4, "{errors:#?}");
}
