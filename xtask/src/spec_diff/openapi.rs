//! Reading an OpenAPI 3.0 document (YAML or JSON) as a page: the vendor's
//! own OpenAPI file, or any other, is then compared with the spec like any
//! page, spec against spec (in the spirit of oasdiff), with the same rules.
//!
//! The vendor's layout (see `../shared/vendor-docs/vendor-contract-notes.md`
//! and `hosting-and-qualified-numbers.md`): parameters shared as components
//! and referenced with `$ref`, request bodies and responses that are
//! components of their own, responses composed with `allOf`, a request that
//! is a `oneOf`, custom methods (`hostingOrders:importNumbers`) and
//! `x-webhooks`. The reading itself is `from_spec.rs`, shared with the
//! project's own spec.
//!
//! One defect of the vendor's file is read as what it evidently means: in
//! the toll-free text-enable request variants, `allOf: [$ref ...]` sits
//! inside `properties`, where a property schema belongs, and a list is no
//! schema. Such a list is read as the enclosing schema's `allOf` (its fields
//! are the common part of the request), and each place is reported as
//! `document-repaired` (information), so the defect stays visible.

use openapiv3::OpenAPI;
use serde_json::Value;

use super::from_spec;
use super::model::{Api, Kind};

/// A parsed OpenAPI document and where it had to be repaired to be read.
#[derive(Debug)]
pub struct Parsed {
    pub document: OpenAPI,
    /// JSON pointers to the repaired places (see the module comment).
    pub repairs: Vec<String>,
}

impl Parsed {
    /// The comparison model of the document, repairs included.
    pub fn read(&self) -> Api {
        let mut api = from_spec::read(&self.document, Kind::OpenApi);
        api.repairs = self.repairs.clone();
        api
    }
}

/// Other API description formats, known by a top-level key or a first
/// line, each refused by name with what to do instead.
fn other_format(raw: &Value, text: &str) -> Option<String> {
    let version = |key: &str| {
        raw.get(key).map(|v| match v {
            Value::String(v) => v.clone(),
            other => other.to_string(),
        })
    };
    if let Some(v) = version("swagger") {
        return Some(format!(
            "a Swagger {v} document (`swagger: {v}`), the format before OpenAPI 3.0, which is not read: \
             convert it to OpenAPI 3.0 (e.g. `npx swagger2openapi FILE`) or save the vendor's OpenAPI 3.0 file"
        ));
    }
    if let Some(v) = version("asyncapi") {
        return Some(format!(
            "an AsyncAPI {v} document (event channels, not HTTP operations), which is not read: \
             save the vendor's OpenAPI 3.0 file instead"
        ));
    }
    let postman = raw
        .pointer("/info/schema")
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("postman"));
    if postman || raw.pointer("/info/_postman_id").is_some() {
        return Some(
            "a Postman collection, which is not read: save the vendor's OpenAPI 3.0 file instead"
                .into(),
        );
    }
    let first = text.trim_start().lines().next().unwrap_or("");
    if first.starts_with("#%RAML") {
        return Some(format!(
            "a RAML document (`{}`), which is not read: save the vendor's OpenAPI 3.0 file instead",
            first.trim()
        ));
    }
    None
}

/// Whether `text` is an OpenAPI document: a YAML or JSON mapping with an
/// `openapi` version and `paths`. Errors say why a document that claims to
/// be one cannot be read, and name the other API formats it may be instead
/// (Swagger 2.0, AsyncAPI, Postman, RAML).
pub fn parse(text: &str) -> Result<Option<Parsed>, String> {
    // Cheap first: most pages are not documents at all.
    let known = ["openapi", "swagger", "asyncapi", "postman", "#%RAML"];
    if !known.iter().any(|word| text.contains(word)) {
        return Ok(None);
    }
    let Ok(yaml) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Ok(None);
    };
    let mut raw = to_json(yaml);
    if !raw.is_object() {
        return Ok(None);
    }
    if let Some(why) = other_format(&raw, text) {
        return Err(why);
    }
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
            "an OpenAPI {version} document; only OpenAPI 3.0.x documents are read: save the \
             vendor's file in OpenAPI 3.0, or convert it"
        ));
    }
    let mut repairs = Vec::new();
    repair(&mut raw, "", &mut repairs);
    serde_json::from_value(raw)
        .map(|document| Some(Parsed { document, repairs }))
        .map_err(|e| format!("an OpenAPI document that does not follow OpenAPI 3.0: {e}"))
}

/// Reads an OpenAPI document into the comparison model.
pub fn read(text: &str) -> Result<Api, String> {
    match parse(text)? {
        Some(parsed) => Ok(parsed.read()),
        None => Err("not an OpenAPI document (no `openapi` version and `paths`)".into()),
    }
}

/// Moves each `properties.allOf` list to its schema's `allOf` (after any
/// the schema already has), recording where (`pointer` is the JSON pointer
/// of `value`). Examples and extensions are free-form and left alone.
fn repair(value: &mut Value, pointer: &str, repairs: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let misplaced = map
                .get_mut("properties")
                .and_then(Value::as_object_mut)
                .filter(|properties| properties.get("allOf").is_some_and(Value::is_array))
                .and_then(|properties| properties.remove("allOf"));
            if let Some(Value::Array(parts)) = misplaced {
                match map.get_mut("allOf") {
                    Some(Value::Array(existing)) => existing.extend(parts),
                    _ => {
                        map.insert("allOf".to_owned(), Value::Array(parts));
                    }
                }
                repairs.push(format!("{pointer}/properties/allOf"));
            }
            for (key, child) in map.iter_mut() {
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                let escaped = key.replace('~', "~0").replace('/', "~1");
                repair(child, &format!("{pointer}/{escaped}"), repairs);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                repair(item, &format!("{pointer}/{i}"), repairs);
            }
        }
        _ => {}
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec_diff::model::Fields;

    const MISPLACED: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/projects/{projectId}/things:
    post:
      operationId: add
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Add'}
            example:
              properties:
                allOf: [1, 2]
      responses:
        '200': {description: ok}
components:
  schemas:
    Common:
      type: object
      required: [name]
      properties:
        name: {type: string}
    Add:
      type: object
      required: [extra]
      properties:
        allOf:
          - $ref: '#/components/schemas/Common'
        extra: {type: string}
        nested:
          type: object
          properties:
            allOf: {type: string}
"#;

    #[test]
    fn a_misplaced_all_of_is_read_as_the_composition_and_reported() {
        let parsed = parse(MISPLACED).unwrap().expect("an OpenAPI document");
        assert_eq!(
            parsed.repairs,
            ["/components/schemas/Add/properties/allOf"],
            "only the list under `properties` is moved; a property named allOf and the example stay"
        );
        let api = parsed.read();
        assert_eq!(api.repairs, parsed.repairs);
        let op = api.operations.values().next().unwrap();
        let Some(Fields::Paths(fields)) = &op.request else {
            panic!("a request body")
        };
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        assert_eq!(names, ["extra", "name", "nested", "nested.allOf"]);
        assert!(fields["name"].required && fields["extra"].required);
    }

    #[test]
    fn a_well_formed_document_needs_no_repair() {
        let text =
            std::fs::read_to_string(crate::workspace_root().join(crate::spec::SPEC_PATH)).unwrap();
        assert!(parse(&text).unwrap().unwrap().repairs.is_empty());
    }
}
