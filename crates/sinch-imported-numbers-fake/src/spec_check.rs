//! Validating requests against the project's OpenAPI spec.
//!
//! The fake embeds `openapi/imported-numbers.yaml` (through the crate's
//! `openapi.yaml` link, so a packaged crate carries it) and checks every query
//! string and JSON body against it: unknown parameters or fields, missing
//! required parameters, wrong types, values outside an enum, strings that
//! break a `pattern`, `minLength` or `maxLength`, integers outside `minimum`
//! and `maximum`, and arrays that break `minItems`, `maxItems` or
//! `uniqueItems` all get a 400 that says exactly what is wrong. Because the rules come from the spec, the
//! fake cannot silently drift from it.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use openapiv3::{
    AdditionalProperties, Components, ObjectType, OpenAPI, Parameter, ParameterSchemaOrContent,
    ReferenceOr, Schema, SchemaKind, Type,
};
use regex::Regex;
use serde_json::Value;

const SPEC_YAML: &str = include_str!("../openapi.yaml");

/// The parsed spec, shared by all servers in the process.
pub(crate) static SPEC: LazyLock<SpecIndex> = LazyLock::new(|| {
    let spec: OpenAPI = serde_yaml::from_str(SPEC_YAML)
        .expect("the embedded spec is checked by `cargo xtask codegen`");
    SpecIndex::new(spec)
});

struct QueryParam {
    name: String,
    required: bool,
    schema: ReferenceOr<Schema>,
}

struct Operation {
    query: Vec<QueryParam>,
    body: Option<ReferenceOr<Schema>>,
}

/// What each operation accepts, by `operationId`.
pub(crate) struct SpecIndex {
    spec: OpenAPI,
    operations: HashMap<String, Operation>,
    /// The spec's `pattern`s, compiled on first use.
    patterns: Mutex<HashMap<String, Regex>>,
}

/// The parameter `p` stands for: itself, or the shared one its `$ref`
/// (`#/components/parameters/...`) names, followed through chained refs.
/// `None` for a reference to nothing, which the spec's own check refuses.
fn resolve_parameter<'a>(
    components: Option<&'a Components>,
    p: &'a ReferenceOr<Parameter>,
) -> Option<&'a Parameter> {
    let mut current = p;
    // A cycle of references cannot end anywhere; a few hops are plenty.
    for _ in 0..8 {
        match current {
            ReferenceOr::Item(parameter) => return Some(parameter),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                current = components?.parameters.get(name)?;
            }
        }
    }
    None
}

impl SpecIndex {
    fn new(spec: OpenAPI) -> Self {
        let mut operations = HashMap::new();
        let components = spec.components.as_ref();
        for (_, _, op) in spec.operations() {
            let query = op
                .parameters
                .iter()
                .filter_map(|p| match resolve_parameter(components, p) {
                    Some(Parameter::Query { parameter_data, .. }) => Some(parameter_data),
                    _ => None,
                })
                .filter_map(|data| match &data.format {
                    ParameterSchemaOrContent::Schema(schema) => Some(QueryParam {
                        name: data.name.clone(),
                        required: data.required,
                        schema: schema.clone(),
                    }),
                    ParameterSchemaOrContent::Content(_) => None,
                })
                .collect();
            let body = op.request_body.as_ref().and_then(|b| match b {
                ReferenceOr::Item(body) => body.content.get("application/json")?.schema.clone(),
                ReferenceOr::Reference { .. } => None,
            });
            operations.insert(
                op.operation_id.clone().unwrap_or_default(),
                Operation { query, body },
            );
        }
        SpecIndex {
            spec,
            operations,
            patterns: Mutex::new(HashMap::new()),
        }
    }

    /// Checks a decoded query string for `operation_id`.
    pub(crate) fn check_query(
        &self,
        operation_id: &str,
        pairs: &[(String, String)],
    ) -> Result<(), String> {
        let op = &self.operations[operation_id];
        for (i, (name, value)) in pairs.iter().enumerate() {
            let Some(param) = op.query.iter().find(|p| &p.name == name) else {
                let known: Vec<_> = op.query.iter().map(|p| p.name.as_str()).collect();
                return Err(format!(
                    "unknown query parameter `{name}`; accepted: {}",
                    known.join(", ")
                ));
            };
            if pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(format!("query parameter `{name}` is given more than once"));
            }
            self.check_scalar(&param.schema, &Value::String(value.clone()), name, true)?;
        }
        for param in op.query.iter().filter(|p| p.required) {
            if !pairs.iter().any(|(n, _)| *n == param.name) {
                return Err(format!("query parameter `{}` is required", param.name));
            }
        }
        Ok(())
    }

    /// Checks a JSON request body for `operation_id`.
    pub(crate) fn check_body(&self, operation_id: &str, body: &Value) -> Result<(), String> {
        match &self.operations[operation_id].body {
            Some(schema) => self.check_value(schema, body, "body"),
            None => Ok(()),
        }
    }

    fn resolve<'a>(&'a self, schema: &'a ReferenceOr<Schema>) -> &'a Schema {
        match schema {
            ReferenceOr::Item(s) => s,
            ReferenceOr::Reference { reference } => {
                let name = reference.trim_start_matches("#/components/schemas/");
                let target = &self
                    .spec
                    .components
                    .as_ref()
                    .expect("spec has components")
                    .schemas[name];
                self.resolve(target)
            }
        }
    }

    /// Follows `$ref` and single-element `allOf` wrappers to the schema that has a type.
    fn concrete<'a>(&'a self, schema: &'a ReferenceOr<Schema>) -> &'a Schema {
        let s = self.resolve(schema);
        match &s.schema_kind {
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => self.concrete(&all_of[0]),
            _ => s,
        }
    }

    /// The object schemas a value must satisfy: one for an object, every
    /// part for an `allOf` composition (whose properties and required names
    /// add up), none for anything else.
    fn object_parts<'a>(&'a self, s: &'a Schema) -> Option<Vec<&'a ObjectType>> {
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Some(vec![object]),
            SchemaKind::AllOf { all_of } => Some(
                all_of
                    .iter()
                    .filter_map(|part| self.object_parts(self.concrete(part)))
                    .flatten()
                    .collect(),
            ),
            _ => None,
        }
    }

    fn check_value(
        &self,
        schema: &ReferenceOr<Schema>,
        value: &Value,
        at: &str,
    ) -> Result<(), String> {
        let s = self.concrete(schema);
        if s.schema_data.nullable && value.is_null() {
            return Ok(());
        }
        if let Some(parts) = self.object_parts(s) {
            let Value::Object(map) = value else {
                return Err(format!("`{at}` must be a JSON object"));
            };
            for name in parts.iter().flat_map(|o| &o.required) {
                if !map.contains_key(name) {
                    return Err(format!("`{at}.{name}` is required"));
                }
            }
            let open = parts.iter().any(|o| {
                matches!(
                    o.additional_properties,
                    Some(AdditionalProperties::Any(true))
                )
            });
            for (key, child) in map {
                let path = format!("{at}.{key}");
                match parts.iter().find_map(|o| o.properties.get(key)) {
                    Some(prop) => {
                        let prop = prop.clone().unbox();
                        self.check_value(&prop, child, &path)?;
                    }
                    None if open => {}
                    None => return Err(format!("unknown field `{path}`")),
                }
            }
            return Ok(());
        }
        match &s.schema_kind {
            SchemaKind::Type(Type::Array(array)) => {
                let Value::Array(items) = value else {
                    return Err(format!("`{at}` must be an array"));
                };
                if let Some(min) = array.min_items.filter(|min| items.len() < *min) {
                    let least = if min == 1 {
                        "one".to_owned()
                    } else {
                        min.to_string()
                    };
                    return Err(format!("`{at}` must have at least {least} item(s)"));
                }
                if let Some(max) = array.max_items.filter(|max| items.len() > *max) {
                    return Err(format!("`{at}` must have at most {max} item(s)"));
                }
                if array.unique_items {
                    if let Some(i) = (1..items.len()).find(|&i| items[..i].contains(&items[i])) {
                        return Err(format!(
                            "`{at}[{i}]` repeats an earlier item: it is given more than once"
                        ));
                    }
                }
                match &array.items {
                    Some(item_schema) => {
                        let item_schema = item_schema.clone().unbox();
                        items.iter().enumerate().try_for_each(|(i, item)| {
                            self.check_value(&item_schema, item, &format!("{at}[{i}]"))
                        })
                    }
                    None => Ok(()),
                }
            }
            _ => self.check_scalar(schema, value, at, false),
        }
    }

    /// Whether `text` matches the spec's `pattern` (a search, as JSON Schema
    /// reads patterns: anchors are the pattern's own). A pattern the regex
    /// engine cannot read matches nothing, so the mistake shows at once.
    fn matches(&self, pattern: &str, text: &str) -> bool {
        let mut cache = self.patterns.lock().unwrap_or_else(|p| p.into_inner());
        if !cache.contains_key(pattern) {
            match Regex::new(pattern) {
                Ok(regex) => {
                    cache.insert(pattern.to_owned(), regex);
                }
                Err(_) => return false,
            }
        }
        cache[pattern].is_match(text)
    }

    /// Scalars; `from_query` means the value arrived as text and may need parsing.
    fn check_scalar(
        &self,
        schema: &ReferenceOr<Schema>,
        value: &Value,
        at: &str,
        from_query: bool,
    ) -> Result<(), String> {
        let s = self.concrete(schema);
        let text = value.as_str();
        match &s.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                let Some(text) = text else {
                    return Err(format!("`{at}` must be a string"));
                };
                let allowed: Vec<&str> = string
                    .enumeration
                    .iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                if !allowed.is_empty() && !allowed.contains(&text) {
                    return Err(format!(
                        "`{at}` must be one of {}; got {text:?}",
                        allowed.join(", ")
                    ));
                }
                let length = text.chars().count();
                if string.min_length.is_some_and(|min| min > 0) && text.is_empty() {
                    return Err(format!("{at} must not be empty (minLength)"));
                }
                if let Some(min) = string.min_length.filter(|min| length < *min) {
                    return Err(format!(
                        "`{at}` must be at least {min} character(s) long; got {text:?}"
                    ));
                }
                if let Some(max) = string.max_length.filter(|max| length > *max) {
                    return Err(format!(
                        "`{at}` must be at most {max} character(s) long; got {length}"
                    ));
                }
                if let Some(pattern) = &string.pattern {
                    if !self.matches(pattern, text) && pattern == "\\S" {
                        return Err(format!("{at} must not be empty (pattern {pattern})"));
                    }
                    if !self.matches(pattern, text) {
                        return Err(format!(
                            "{at} {text:?} is not valid: it does not match the pattern {pattern}"
                        ));
                    }
                }
                Ok(())
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                let number = if from_query {
                    text.and_then(|t| t.parse::<i64>().ok())
                } else {
                    value.as_i64()
                };
                let Some(number) = number else {
                    return Err(format!("`{at}` must be an integer; got {value}"));
                };
                let below = integer
                    .minimum
                    .filter(|min| number < *min || (integer.exclusive_minimum && number == *min));
                let above = integer
                    .maximum
                    .filter(|max| number > *max || (integer.exclusive_maximum && number == *max));
                match (below, above) {
                    (Some(min), _) => Err(format!("`{at}` must be at least {min}; got {number}")),
                    (_, Some(max)) => Err(format!("`{at}` must be at most {max}; got {number}")),
                    _ => Ok(()),
                }
            }
            SchemaKind::Type(Type::Boolean(_)) => {
                let ok = if from_query {
                    matches!(text, Some("true" | "false"))
                } else {
                    value.is_boolean()
                };
                if ok {
                    Ok(())
                } else {
                    Err(format!("`{at}` must be true or false; got {value}"))
                }
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn query_rules_come_from_the_spec() {
        let ok = pairs(&[
            ("servicePlanId", "p"),
            ("campaignId", "c"),
            ("numberPattern.searchPattern", "END"),
            ("pageSize", "5"),
        ]);
        assert_eq!(SPEC.check_query("ListImportedNumbers", &ok), Ok(()));
        let err = SPEC
            .check_query("ListImportedNumbers", &pairs(&[("campaignId", "c")]))
            .unwrap_err();
        assert_eq!(err, "query parameter `servicePlanId` is required");
        let err = SPEC
            .check_query(
                "ListImportedNumbers",
                &pairs(&[("servicePlanId", "p"), ("campaignId", "c"), ("page", "2")]),
            )
            .unwrap_err();
        assert!(err.starts_with("unknown query parameter `page`"), "{err}");
        let err = SPEC
            .check_query(
                "ListImportedNumbers",
                &pairs(&[
                    ("servicePlanId", "p"),
                    ("campaignId", "c"),
                    ("pageSize", "ten"),
                ]),
            )
            .unwrap_err();
        assert_eq!(err, "`pageSize` must be an integer; got \"ten\"");
        let err = SPEC
            .check_query(
                "ListImportedNumbers",
                &pairs(&[
                    ("servicePlanId", "p"),
                    ("campaignId", "c"),
                    ("orderBy", "name"),
                ]),
            )
            .unwrap_err();
        assert_eq!(
            err,
            "`orderBy` must be one of createdTime, updatedTime; got \"name\""
        );
    }

    #[test]
    fn shared_parameters_are_followed() {
        // pageSize, pageToken and orderBy are `$ref`s to components/parameters here.
        let base = [
            ("states", "SUBMITTED"),
            ("type", "IMPORT"),
            ("servicePlanId", "p"),
            ("campaignId", "c"),
        ];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut all = base.to_vec();
            all.extend_from_slice(extra);
            pairs(&all)
        };
        let ok = with(&[
            ("pageSize", "5"),
            ("pageToken", "abc"),
            ("orderBy", "updatedTime"),
        ]);
        assert_eq!(SPEC.check_query("ListHostingOrders", &ok), Ok(()));
        assert_eq!(
            SPEC.check_query("ListHostingOrders", &with(&[("pageSize", "ten")])),
            Err("`pageSize` must be an integer; got \"ten\"".to_owned())
        );
        assert_eq!(
            SPEC.check_query("ListHostingOrders", &with(&[("orderBy", "name")])),
            Err("`orderBy` must be one of createdTime, updatedTime; got \"name\"".to_owned())
        );
        let err = SPEC
            .check_query("ListHostingOrders", &with(&[("states", "OPEN")]))
            .unwrap_err();
        assert!(err.contains("given more than once"), "{err}");
        let err = SPEC
            .check_query("ListQualifiedNumbers", &pairs(&[("states", "OPEN")]))
            .unwrap_err();
        assert!(
            err.starts_with("`states` must be one of GLOBAL_PROCESS_STATE_UNSPECIFIED"),
            "{err}"
        );
        let numbers = pairs(&[
            ("pageSize", "2"),
            ("osrUpdateState", "DONE"),
            ("pageToken", "t"),
        ]);
        assert_eq!(
            SPEC.check_query("ListHostingOrderNumbers", &numbers),
            Ok(())
        );
        let err = SPEC
            .check_query("ListHostingOrderNumbers", &pairs(&[("pageSize", "x")]))
            .unwrap_err();
        assert_eq!(err, "`pageSize` must be an integer; got \"x\"");
        // Every query parameter of every operation is known, none dropped.
        let names: Vec<_> = SPEC.operations["ListQualifiedNumbers"]
            .query
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["regionCode", "states", "pageSize", "pageToken", "orderBy"]
        );
    }

    #[test]
    fn body_rules_come_from_the_spec() {
        let good = json!({"phoneNumber": "+12065550134", "regionCode": "US",
                          "smsConfiguration": {"servicePlanId": "p", "migrateToSinchTmo": true}});
        assert_eq!(SPEC.check_body("ImportNumber", &good), Ok(()));
        let err = SPEC
            .check_body(
                "ImportNumber",
                &json!({"phoneNumber": "+12065550134", "regionCode": "US", "smsConfiguration": {"plan": "p"}}),
            )
            .unwrap_err();
        assert_eq!(err, "unknown field `body.smsConfiguration.plan`");
        // The import body is an allOf composition: required names come from its parts.
        let err = SPEC
            .check_body(
                "ImportNumber",
                &json!({"phoneNumber": "+12065550134", "regionCode": "US"}),
            )
            .unwrap_err();
        assert_eq!(err, "`body.smsConfiguration` is required");
        let err = SPEC
            .check_body(
                "ImportNumber",
                &json!({"phoneNumber": "+12065550134", "regionCode": "US", "smsConfiguration": {}, "displayName": 5}),
            )
            .unwrap_err();
        assert_eq!(err, "`body.displayName` must be a string");
        let err = SPEC
            .check_body("UpdateImportedNumber", &json!([1]))
            .unwrap_err();
        assert_eq!(err, "`body` must be a JSON object");
    }

    #[test]
    fn value_rules_come_from_the_spec() {
        let base = [("servicePlanId", "p"), ("campaignId", "c")];
        let with = |extra: (&'static str, &'static str)| {
            let mut all = base.to_vec();
            all.push(extra);
            pairs(&all)
        };
        let list = |extra| SPEC.check_query("ListImportedNumbers", &with(extra));
        assert_eq!(list(("pageSize", "1")), Ok(()));
        assert_eq!(list(("pageSize", "2147483647")), Ok(()));
        assert_eq!(
            list(("pageSize", "0")),
            Err("`pageSize` must be at least 1; got 0".to_owned())
        );
        assert_eq!(
            list(("pageSize", "2147483648")),
            Err("`pageSize` must be at most 2147483647; got 2147483648".to_owned())
        );
        assert!(list(("regionCode", "SE"))
            .unwrap_err()
            .contains("does not match the pattern"));
        let mask = |m: &'static str| {
            SPEC.check_query("UpdateImportedNumber", &pairs(&[("updateMask", m)]))
        };
        assert_eq!(mask("displayName"), Ok(()));
        assert!(mask("").unwrap_err().contains("must not be empty"));
        assert!(mask(" ").unwrap_err().contains("must not be empty"));
        assert_eq!(
            SPEC.check_query("UpdateImportedNumber", &[]),
            Err("query parameter `updateMask` is required".to_owned())
        );

        let secret =
            |s: &str| SPEC.check_body("UpdateCallbackConfiguration", &json!({ "hmacSecret": s }));
        assert_eq!(secret("a secret"), Ok(()));
        assert!(secret("").unwrap_err().contains("must not be empty"));
        assert!(secret(" padded")
            .unwrap_err()
            .contains("does not match the pattern"));
        assert!(secret("bell\u{7}")
            .unwrap_err()
            .contains("does not match the pattern"));
        assert!(secret(&"x".repeat(1025))
            .unwrap_err()
            .contains("at most 1024"));

        let add = |numbers: Value| {
            SPEC.check_body("AddQualifiedNumbers", &json!({ "phoneNumbers": numbers }))
        };
        assert_eq!(add(json!(["+12065550134", "+46701234567"])), Ok(()));
        assert!(add(json!([])).unwrap_err().contains("at least one item"));
        assert!(add(json!(["+12065550134", "+12065550134"]))
            .unwrap_err()
            .contains("`body.phoneNumbers[1]` repeats"));
        for bad in ["+10065550134", "12065550134", "+0123456789", "+1206555013"] {
            assert!(
                add(json!([bad]))
                    .unwrap_err()
                    .contains("does not match the pattern"),
                "{bad}"
            );
        }
        let import = |numbers: Value| {
            SPEC.check_body(
                "ImportHostingOrderNumbers",
                &json!({"regionCode": "US", "servicePlanId": "p", "numbers": numbers}),
            )
        };
        let six: Vec<String> = (0..6).map(|i| format!("+1206555013{i}")).collect();
        assert!(import(json!(six)).unwrap_err().contains("at most 5 item"));
        assert_eq!(import(json!(six[..5])), Ok(()));
    }
}
