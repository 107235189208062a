//! Reading an OpenAPI 3.0 document (YAML or JSON) as a page: the vendor's
//! own OpenAPI file, or any other, is then compared with the spec like any
//! page, spec against spec (in the spirit of oasdiff), with the same rules.
//!
//! The vendor's layout (see `../shared/vendor-docs/vendor-contract-notes.md`):
//! parameters shared as components and referenced with `$ref`, responses
//! composed with `allOf`, `x-webhooks`, and operations on the same base path
//! that this SDK does not cover (hosting orders, qualified numbers). The
//! reading itself is `from_spec.rs`, shared with the project's own spec.

use openapiv3::OpenAPI;
use serde_json::Value;

use super::from_spec;
use super::model::{Api, Kind};

/// Whether `text` is an OpenAPI document: a YAML or JSON mapping with an
/// `openapi` version and `paths`. Errors say why a document that claims to
/// be one cannot be read.
pub fn parse(text: &str) -> Result<Option<OpenAPI>, String> {
    // Cheap first: most pages are not documents at all.
    if !(text.contains("openapi") && text.contains("paths")) {
        return Ok(None);
    }
    let Ok(yaml) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Ok(None);
    };
    let raw = to_json(yaml);
    let Some(version) = raw.get("openapi") else {
        return Ok(None);
    };
    if raw.get("paths").is_none_or(|p| !p.is_object()) {
        return Ok(None);
    }
    let version = match version {
        Value::String(v) => v.clone(),
        other => other.to_string(),
    };
    if !version.starts_with("3.0") {
        return Err(format!(
            "an OpenAPI {version} document; only OpenAPI 3.0.x documents are read"
        ));
    }
    serde_json::from_value(raw)
        .map(Some)
        .map_err(|e| format!("an OpenAPI document that does not follow OpenAPI 3.0: {e}"))
}

/// Reads an OpenAPI document into the comparison model.
pub fn read(text: &str) -> Result<Api, String> {
    match parse(text)? {
        Some(doc) => Ok(from_spec::read(&doc, Kind::OpenApi)),
        None => Err("not an OpenAPI document (no `openapi` version and `paths`)".into()),
    }
}

/// YAML to JSON, keys as strings: documents write status codes as bare
/// numbers (`200:`), which JSON objects cannot key on.
pub(super) fn to_json(yaml: serde_yaml::Value) -> Value {
    match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            serde_json::to_value(&n).unwrap_or_else(|_| Value::String(n.to_string()))
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            Value::Array(items.into_iter().map(to_json).collect())
        }
        serde_yaml::Value::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        serde_yaml::Value::String(s) => s,
                        serde_yaml::Value::Number(n) => n.to_string(),
                        serde_yaml::Value::Bool(b) => b.to_string(),
                        other => serde_yaml::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => to_json(tagged.value),
    }
}
