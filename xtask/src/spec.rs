//! Loading and sanity-checking the hand-maintained OpenAPI spec.
//!
//! Every failure names the file and what is wrong with it, so a typo in the
//! spec never surfaces as a panic deep inside the generator.

use std::fmt;
use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;
use serde_json::Value;

/// The spec, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/imported-numbers.yaml";

/// Why the spec could not be used.
#[derive(Debug)]
pub struct SpecError {
    pub path: PathBuf,
    pub problem: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.problem)
    }
}

impl std::error::Error for SpecError {}

/// Reads, parses and validates the spec at `path`.
pub fn load(path: &Path) -> Result<OpenAPI, SpecError> {
    let fail = |problem: String| SpecError {
        path: path.to_path_buf(),
        problem,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))?;
    let raw: Value = serde_yaml::from_str(&text).map_err(|e| fail(format!("invalid YAML: {e}")))?;

    let version = raw.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        return Err(fail(format!(
            "`openapi: {version}` is not supported; the generator accepts OpenAPI 3.0.x only"
        )));
    }
    let mut dangling = Vec::new();
    find_dangling_refs(&raw, &raw, "", &mut dangling);
    if !dangling.is_empty() {
        return Err(fail(format!("unresolved $ref: {}", dangling.join("; "))));
    }
    let spec: OpenAPI = serde_json::from_value(raw)
        .map_err(|e| fail(format!("not a valid OpenAPI document: {e}")))?;
    for (path_name, method, op) in spec.operations() {
        if op.operation_id.as_deref().unwrap_or("").is_empty() {
            return Err(fail(format!(
                "{} {path_name} has no operationId",
                method.to_uppercase()
            )));
        }
    }
    Ok(spec)
}

/// Collects every local `$ref` that does not point at anything, with where it was found.
fn find_dangling_refs(root: &Value, node: &Value, at: &str, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let resolves = target
                    .strip_prefix('#')
                    .is_some_and(|pointer| root.pointer(pointer).is_some());
                if !resolves {
                    out.push(format!(
                        "`{target}` at {}",
                        if at.is_empty() { "/" } else { at }
                    ));
                }
            }
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                find_dangling_refs(root, child, &format!("{at}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_dangling_refs(root, child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<OpenAPI, SpecError> {
        load(&crate::temp_file("spec.yaml", text))
    }

    fn project_spec() -> String {
        std::fs::read_to_string(crate::workspace_root().join(SPEC_PATH)).unwrap()
    }

    #[test]
    fn project_spec_loads() {
        let spec = load(&crate::workspace_root().join(SPEC_PATH)).unwrap();
        // 5 imported-number, 2 callbackConfiguration, 8 hosting-order and
        // 8 qualified-number operations.
        assert_eq!(spec.operations().count(), 23);
    }

    #[test]
    fn yaml_error_names_file_and_problem() {
        let err = load_text("openapi: [3.0.3\n").unwrap_err();
        assert!(err.to_string().contains("spec.yaml: invalid YAML"), "{err}");
    }

    #[test]
    fn openapi_31_is_rejected() {
        let text = project_spec().replace("openapi: 3.0.3", "openapi: 3.1.0");
        let err = load_text(&text).unwrap_err();
        assert!(
            err.to_string()
                .contains("`openapi: 3.1.0` is not supported"),
            "{err}"
        );
    }

    #[test]
    fn unknown_ref_is_named() {
        let text = project_spec().replace(
            "$ref: \"#/components/schemas/SmsConfiguration\"",
            "$ref: \"#/components/schemas/SmsConfig\"",
        );
        let err = load_text(&text).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("unresolved $ref: `#/components/schemas/SmsConfig`"),
            "{msg}"
        );
        assert!(
            msg.contains("/components/schemas/ImportedNumber/properties/smsConfiguration"),
            "{msg}"
        );
    }

    #[test]
    fn missing_operation_id_is_named() {
        let text = project_spec().replace("      operationId: GetImportedNumber\n", "");
        let err = load_text(&text).unwrap_err();
        assert!(
            err.to_string().contains(
                "GET /v1/projects/{projectId}/importedNumbers/{phoneNumber} has no operationId"
            ),
            "{err}"
        );
    }
}
