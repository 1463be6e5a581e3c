//! `check --schema`: the endpoint's schema by introspection, written as SDL, and
//! every query document validated against it with a real GraphQL validator
//! (apollo-compiler), naming the unknown field, argument or type and the
//! schema's nearest name. A wrong guess about Moveo's API shows up here, before
//! a report leaves its section out.

use super::queries::{all_specs, QuerySet, Shape, Spec};
use apollo_compiler::{ExecutableDocument, Schema};
use serde_json::Value;

const INTROSPECTION_TEXT: &str = "query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types {
      kind name
      fields(includeDeprecated: true) { name args { name type { ...TypeRef } defaultValue } type { ...TypeRef } }
      inputFields { name type { ...TypeRef } defaultValue }
      interfaces { name }
      enumValues(includeDeprecated: true) { name }
      possibleTypes { name }
    }
  }
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } }
}";

/// The standard introspection query, sent like any other operation.
pub static INTROSPECTION: Spec = Spec {
    title: "Schema introspection",
    operation: "IntrospectionQuery",
    file: "(built in)",
    shape: Shape::Aggregate,
    documented: false,
    builtin: INTROSPECTION_TEXT,
};

const BUILT_IN_SCALARS: [&str; 5] = ["Int", "Float", "String", "Boolean", "ID"];

fn type_ref(t: &Value) -> Result<String, String> {
    match t["kind"].as_str() {
        Some("NON_NULL") => Ok(format!("{}!", type_ref(&t["ofType"])?)),
        Some("LIST") => Ok(format!("[{}]", type_ref(&t["ofType"])?)),
        _ => t["name"].as_str().map(str::to_string).ok_or_else(|| "a type reference without a name".to_string()),
    }
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array().map(|l| l.iter().filter_map(|v| v["name"].as_str()).collect()).unwrap_or_default()
}

fn input_value(v: &Value) -> Result<String, String> {
    let name = v["name"].as_str().unwrap_or_default();
    let default = v["defaultValue"].as_str().map(|d| format!(" = {d}")).unwrap_or_default();
    Ok(format!("{name}: {}{default}", type_ref(&v["type"])?))
}

/// The schema an introspection answer (`data`) describes, as SDL.
pub fn sdl_from_introspection(data: &Value) -> Result<String, String> {
    let schema = &data["__schema"];
    let types = schema["types"].as_array().ok_or("the answer has no __schema.types")?;
    let mut out = String::from("schema {\n");
    for (role, key) in [("query", "queryType"), ("mutation", "mutationType"), ("subscription", "subscriptionType")] {
        if let Some(name) = schema[key]["name"].as_str() {
            out.push_str(&format!("  {role}: {name}\n"));
        }
    }
    out.push_str("}\n");
    for t in types {
        let name = t["name"].as_str().unwrap_or_default();
        if name.starts_with("__") || BUILT_IN_SCALARS.contains(&name) {
            continue;
        }
        let fields = |list: &Value| -> Result<Vec<String>, String> {
            let mut lines = Vec::new();
            for f in list.as_array().into_iter().flatten() {
                let args: Vec<String> =
                    f["args"].as_array().into_iter().flatten().map(input_value).collect::<Result<_, _>>()?;
                let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
                lines.push(format!("  {}{args}: {}", f["name"].as_str().unwrap_or_default(), type_ref(&f["type"])?));
            }
            Ok(lines)
        };
        match t["kind"].as_str() {
            Some("SCALAR") => out.push_str(&format!("scalar {name}\n")),
            Some(kind @ ("OBJECT" | "INTERFACE")) => {
                let keyword = if kind == "OBJECT" { "type" } else { "interface" };
                let interfaces = names(&t["interfaces"]);
                let implements = if interfaces.is_empty() {
                    String::new()
                } else {
                    format!(" implements {}", interfaces.join(" & "))
                };
                out.push_str(&format!("{keyword} {name}{implements} {{\n{}\n}}\n", fields(&t["fields"])?.join("\n")));
            }
            Some("UNION") => out.push_str(&format!("union {name} = {}\n", names(&t["possibleTypes"]).join(" | "))),
            Some("ENUM") => out.push_str(&format!("enum {name} {{ {} }}\n", names(&t["enumValues"]).join(" "))),
            Some("INPUT_OBJECT") => {
                let lines: Vec<String> = t["inputFields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| input_value(v).map(|l| format!("  {l}")))
                    .collect::<Result<_, _>>()?;
                out.push_str(&format!("input {name} {{\n{}\n}}\n", lines.join("\n")));
            }
            other => return Err(format!("type {name} has an unknown kind {other:?}")),
        }
    }
    Ok(out)
}

/// One query document against the schema.
#[derive(Debug, Clone)]
pub struct Finding {
    pub operation: &'static str,
    pub file: &'static str,
    pub overridden_by: Option<String>,
    /// Empty when the document is valid.
    pub problems: Vec<String>,
}

/// Validates every query in force against `sdl`.
pub fn validate_all(sdl: &str, queries: &QuerySet) -> Result<Vec<Finding>, String> {
    // Servers' schemas are not always valid SDL to the letter (Hasura's are): parsed leniently.
    let schema = match Schema::parse_and_validate(sdl, "schema.graphql") {
        Ok(valid) => valid,
        Err(with_errors) => apollo_compiler::validation::Valid::assume_valid(with_errors.partial),
    };
    Ok(all_specs()
        .map(|spec| {
            let query = queries.get(spec);
            let problems = match ExecutableDocument::parse_and_validate(&schema, &*query.text, spec.file) {
                Ok(_) => Vec::new(),
                Err(e) => e.errors.iter().map(|d| explain(&schema, &d.error.to_string())).collect(),
            };
            Finding { operation: spec.operation, file: spec.file, overridden_by: query.overridden_by.clone(), problems }
        })
        .collect())
}

/// The validator's message, with the schema's nearest name where one was unknown.
fn explain(schema: &Schema, message: &str) -> String {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let nearest = |wanted: &str, candidates: Vec<String>| -> Option<String> {
        candidates
            .into_iter()
            .map(|c| (strsim::jaro_winkler(wanted, &c), c))
            .filter(|(score, _)| *score > 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c)
    };
    let suggestion = if message.contains("does not have a field") && quoted.len() >= 2 {
        // "type `T` does not have a field `f`"
        let fields = schema.types.get(quoted[0]).map(|t| match t {
            apollo_compiler::schema::ExtendedType::Object(o) => o.fields.keys().map(|k| k.to_string()).collect(),
            apollo_compiler::schema::ExtendedType::Interface(i) => i.fields.keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        });
        fields.and_then(|f| nearest(quoted[1], f))
    } else if message.contains("argument") && quoted.len() >= 2 {
        // "the argument `a` is not supported by `T.f`"
        let (ty, field) = quoted[1].split_once('.').unwrap_or(("", ""));
        let args = schema.type_field(ty, field).ok().map(|f| f.arguments.iter().map(|a| a.name.to_string()).collect());
        args.and_then(|a| nearest(quoted[0], a))
    } else if (message.contains("type") || message.contains("cannot find")) && !quoted.is_empty() {
        nearest(quoted[0], schema.types.keys().map(|k| k.to_string()).collect())
    } else {
        None
    };
    match suggestion {
        Some(name) => format!("{message} (the schema has `{name}`)"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn introspection() -> Value {
        let named = |kind: &str, name: &str| json!({"kind": kind, "name": name, "ofType": null});
        let non_null = |inner: Value| json!({"kind": "NON_NULL", "name": null, "ofType": inner});
        json!({"__schema": {
            "queryType": {"name": "query_root"}, "mutationType": null, "subscriptionType": null,
            "types": [
                {"kind": "OBJECT", "name": "query_root", "interfaces": [], "fields": [
                    {"name": "top_intents_v2", "type": non_null(json!({"kind": "LIST", "name": null, "ofType": non_null(named("OBJECT", "intent_row"))})),
                     "args": [{"name": "args", "type": non_null(named("INPUT_OBJECT", "intent_args")), "defaultValue": null}]}
                ]},
                {"kind": "OBJECT", "name": "intent_row", "interfaces": [], "fields": [
                    {"name": "intent", "type": named("SCALAR", "String"), "args": []},
                    {"name": "count", "type": named("SCALAR", "bigint"), "args": []}
                ]},
                {"kind": "INPUT_OBJECT", "name": "intent_args", "inputFields": [
                    {"name": "start_time", "type": named("SCALAR", "timestamptz"), "defaultValue": null},
                    {"name": "limit_to", "type": named("SCALAR", "Int"), "defaultValue": "10"}
                ]},
                {"kind": "SCALAR", "name": "bigint"}, {"kind": "SCALAR", "name": "timestamptz"},
                {"kind": "SCALAR", "name": "String"}, {"kind": "SCALAR", "name": "Int"},
                {"kind": "OBJECT", "name": "__Type", "interfaces": [], "fields": []}
            ]
        }})
    }

    #[test]
    fn an_introspection_answer_becomes_sdl_a_validator_accepts() {
        let sdl = sdl_from_introspection(&introspection()).unwrap();
        assert!(sdl.contains("schema {\n  query: query_root\n}"), "{sdl}");
        assert!(sdl.contains("top_intents_v2(args: intent_args!): [intent_row!]!"), "{sdl}");
        assert!(sdl.contains("limit_to: Int = 10"), "{sdl}");
        assert!(!sdl.contains("__Type") && !sdl.contains("scalar Int"), "{sdl}");
        let schema = Schema::parse_and_validate(&sdl, "s.graphql").unwrap();
        let ok = "query Q { rows: top_intents_v2(args: {start_time: \"2026-01-01\"}) { intent count } }";
        assert!(ExecutableDocument::parse_and_validate(&schema, ok, "q.graphql").is_ok());
        let wrong = "query Q { rows: top_intents_v2(args: {start_time: \"x\"}) { intent counts } }";
        let errors = ExecutableDocument::parse_and_validate(&schema, wrong, "q.graphql").unwrap_err();
        let explained: Vec<String> = errors.errors.iter().map(|d| explain(&schema, &d.error.to_string())).collect();
        assert!(
            explained.iter().any(|m| m.contains("`counts`") && m.contains("the schema has `count`")),
            "{explained:?}"
        );
    }
}
