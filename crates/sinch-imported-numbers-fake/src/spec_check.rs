//! Validating requests against the project's OpenAPI spec.
//!
//! The fake embeds `openapi/imported-numbers.yaml` (through the crate's
//! `openapi.yaml` link, so a packaged crate carries it) and checks every query
//! string and JSON body against it: unknown parameters, fields an object with
//! `additionalProperties: false` does not name, missing required parameters
//! or fields, a `oneOf` of required fields that does not hold exactly once,
//! wrong types, values outside an enum, strings that break a `pattern`,
//! `minLength` or `maxLength`, integers outside `minimum` and `maximum`, and
//! arrays that break `minItems`, `maxItems` or `uniqueItems` all get a 400
//! that says exactly what is wrong. Because the rules come from the spec, the
//! fake cannot silently drift from it.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use openapiv3::{
    AdditionalProperties, AnySchema, Components, ObjectType, OpenAPI, Parameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
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

/// What an object schema (or one part of an `allOf`) says about an object.
struct ObjectRules<'a> {
    properties: Properties<'a>,
    required: &'a [String],
    /// `additionalProperties: false`: no field but the named ones.
    closed: bool,
    /// Alternatives of which exactly one must hold (see `check_one_of`).
    one_of: &'a [ReferenceOr<Schema>],
}

/// The named properties of an object schema, wherever the parser put them.
#[derive(Clone, Copy)]
enum Properties<'a> {
    Object(&'a ObjectType),
    Any(&'a AnySchema),
}

impl<'a> Properties<'a> {
    fn get(self, name: &str) -> Option<&'a ReferenceOr<Box<Schema>>> {
        match self {
            Properties::Object(object) => object.properties.get(name),
            Properties::Any(any) => any.properties.get(name),
        }
    }
}

/// Whether `text` is a `date-time` as JSON Schema reads the format: RFC
/// 3339's `date-time` (`T` or `t` between date and time, `Z`, `z` or an
/// offset; a leap second only at 23:59:60 UTC), with a real calendar date.
fn is_date_time(text: &str) -> bool {
    static SHAPE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))$",
        )
        .expect("the date-time shape is a valid regex")
    });
    let Some(parts) = SHAPE.captures(text) else {
        return false;
    };
    let number = |i: usize| {
        parts
            .get(i)
            .map_or(0, |m| m.as_str().parse::<i64>().unwrap_or(-1))
    };
    let (year, month, day) = (number(1), number(2), number(3));
    let (hour, minute, second) = (number(4), number(5), number(6));
    let (offset_hours, offset_minutes) = (number(9), number(10));
    let date = u32::try_from(month)
        .ok()
        .zip(u32::try_from(day).ok())
        .and_then(|(m, d)| chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, m, d));
    if date.is_none() || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    if offset_hours > 23 || offset_minutes > 59 {
        return false;
    }
    if second == 60 {
        // The leap second is the last of a UTC day.
        let sign = if parts.get(8).is_some_and(|m| m.as_str() == "-") {
            -1
        } else {
            1
        };
        let utc =
            (hour * 60 + minute - sign * (offset_hours * 60 + offset_minutes)).rem_euclid(24 * 60);
        return utc == 23 * 60 + 59;
    }
    true
}

/// The characters ECMA-262's `\s` stands for (WhiteSpace and LineTerminator),
/// as items of a character class. The regex crate's `\s` is Unicode's
/// White_Space, which adds U+0085 and lacks U+FEFF: a string the spec's
/// `pattern` accepts would be refused, or the other way round.
const ECMA_SPACE: &str = r"\t\n\x0B\x0C\r\x20\xA0\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

/// `pattern` with `\s`, `\S` and `\d` spelled out as ECMA-262 (the dialect
/// of JSON Schema's `pattern`) reads them: the whitespace of [`ECMA_SPACE`],
/// and ASCII digits only (the regex crate's `\d` is every Unicode digit).
/// Inside a character class `\s` and `\d` become the class's items; the
/// spec uses no `\S` or `\D` there.
fn ecma_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('s') if in_class => out.push_str(ECMA_SPACE),
                Some('s') => out.push_str(&format!("[{ECMA_SPACE}]")),
                Some('S') if !in_class => out.push_str(&format!("[^{ECMA_SPACE}]")),
                Some('d') if in_class => out.push_str("0-9"),
                Some('d') => out.push_str("[0-9]"),
                Some('D') if !in_class => out.push_str("[^0-9]"),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` first in a class (after any `^`) is a literal.
                let rest = chars.as_str();
                let skip = usize::from(rest.starts_with('^'));
                if rest[skip..].starts_with(']') {
                    out.push_str(&rest[..=skip]);
                    chars = rest[skip + 1..].chars();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn is_closed(additional: Option<&AdditionalProperties>) -> bool {
    matches!(additional, Some(AdditionalProperties::Any(false)))
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

    /// The object rules a value must satisfy: one set for an object, every
    /// part's for an `allOf` composition (whose properties and required names
    /// add up), none for anything else. An object schema that also has a
    /// `oneOf` (which the parser reads as a schema of any kind) counts as an
    /// object, with its `oneOf` and `allOf` parts.
    fn object_parts<'a>(&'a self, s: &'a Schema) -> Option<Vec<ObjectRules<'a>>> {
        match &s.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Some(vec![ObjectRules {
                properties: Properties::Object(object),
                required: &object.required,
                closed: is_closed(object.additional_properties.as_ref()),
                one_of: &[],
            }]),
            SchemaKind::AllOf { all_of } => Some(self.all_parts(all_of)),
            SchemaKind::Any(any) if any.typ.as_deref() == Some("object") => {
                let mut parts = vec![ObjectRules {
                    properties: Properties::Any(any),
                    required: &any.required,
                    closed: is_closed(any.additional_properties.as_ref()),
                    one_of: &any.one_of,
                }];
                parts.extend(self.all_parts(&any.all_of));
                Some(parts)
            }
            _ => None,
        }
    }

    fn all_parts<'a>(&'a self, all_of: &'a [ReferenceOr<Schema>]) -> Vec<ObjectRules<'a>> {
        all_of
            .iter()
            .filter_map(|part| self.object_parts(self.concrete(part)))
            .flatten()
            .collect()
    }

    /// Checks a `oneOf` whose alternatives name required fields only
    /// (`oneOf: [{required: [a]}, {required: [b]}]`): exactly one of them
    /// must hold. Other kinds of `oneOf` are not used on request objects.
    fn check_one_of(
        &self,
        one_of: &[ReferenceOr<Schema>],
        map: &serde_json::Map<String, Value>,
        at: &str,
    ) -> Result<(), String> {
        if one_of.is_empty() {
            return Ok(());
        }
        let alternatives: Vec<&[String]> = one_of
            .iter()
            .map(|branch| match &self.resolve(branch).schema_kind {
                SchemaKind::Any(any) => any.required.as_slice(),
                SchemaKind::Type(Type::Object(object)) => object.required.as_slice(),
                _ => &[],
            })
            .collect();
        let held: Vec<String> = alternatives
            .iter()
            .filter(|names| names.iter().all(|n| map.contains_key(n)))
            .map(|names| names.join(" and "))
            .collect();
        if held.len() == 1 {
            return Ok(());
        }
        let names: Vec<String> = alternatives
            .iter()
            .map(|names| names.join(" and "))
            .collect();
        let got = if held.is_empty() {
            "none".to_owned()
        } else {
            held.join(" and ")
        };
        Err(format!(
            "`{at}` must have exactly one of {}; got {got}",
            names.join(", ")
        ))
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
            for name in parts.iter().flat_map(|o| o.required) {
                if !map.contains_key(name) {
                    return Err(format!("`{at}.{name}` is required"));
                }
            }
            // A part with `additionalProperties: false` takes no field it
            // does not name; without it, any field is allowed.
            if let Some(key) = map.keys().find(|key| {
                parts
                    .iter()
                    .any(|o| o.closed && o.properties.get(key).is_none())
            }) {
                return Err(format!("unknown field `{at}.{key}`"));
            }
            for part in &parts {
                self.check_one_of(part.one_of, map, at)?;
            }
            for (key, child) in map {
                if let Some(prop) = parts.iter().find_map(|o| o.properties.get(key)) {
                    let prop = prop.clone().unbox();
                    self.check_value(&prop, child, &format!("{at}.{key}"))?;
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
    /// reads patterns: anchors are the pattern's own), with the ECMA-262
    /// meaning of `\s`, `\S` and `\d` ([`ecma_classes`]). A pattern the
    /// regex engine cannot read matches nothing, so the mistake shows at once.
    fn matches(&self, pattern: &str, text: &str) -> bool {
        let mut cache = self.patterns.lock().unwrap_or_else(|p| p.into_inner());
        if !cache.contains_key(pattern) {
            match Regex::new(&ecma_classes(pattern)) {
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
                if matches!(
                    string.format,
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime)
                ) && !is_date_time(text)
                {
                    return Err(format!(
                        "{at} {text:?} is not valid: it is not an RFC 3339 date-time"
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
        // The body takes no other field (ImportedNumberInput is closed); the
        // smsConfiguration object, shared with responses, is open.
        let err = SPEC
            .check_body(
                "ImportNumber",
                &json!({"phoneNumber": "+12065550134", "regionCode": "US", "smsConfiguration": {}, "plan": "p"}),
            )
            .unwrap_err();
        assert_eq!(err, "unknown field `body.plan`");
        assert_eq!(
            SPEC.check_body(
                "ImportNumber",
                &json!({"phoneNumber": "+12065550134", "regionCode": "US", "smsConfiguration": {"plan": "p"}}),
            ),
            Ok(())
        );
        let err = SPEC
            .check_body(
                "ImportNumber",
                &json!({"phoneNumber": "+12065550134", "regionCode": "US", "smsConfiguration": {"servicePlanId": " "}}),
            )
            .unwrap_err();
        assert!(err.contains("does not match the pattern ^$|\\S"), "{err}");
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
    fn closed_objects_and_one_of_come_from_the_spec() {
        // `additionalProperties: false` refuses other fields, at any depth.
        let err = SPEC
            .check_body(
                "VerifyVoiceChallenge",
                &json!({"code": "1234", "extra": true}),
            )
            .unwrap_err();
        assert_eq!(err, "unknown field `body.extra`");
        let letter = json!({
            "authorisedPerson": {"firstName": "A", "lastName": "B", "email": "a@b.example"},
            "address": {"buildingNumber": "1", "street": "S", "city": "C", "state": "NY",
                        "postalCode": "01002", "country": "US"},
            "currentVoiceCarrier": "Verizon",
        });
        let order = |extra: Value| {
            let mut body = json!({"regionCode": "US", "numbers": ["+12065550134"],
                                  "servicePlanId": "p"});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            SPEC.check_body("TextEnableHostingOrderNumbers", &body)
        };
        assert_eq!(order(json!({ "directLoaInfo": letter })), Ok(()));
        assert_eq!(order(json!({"blanketLoaInfo": {}})), Ok(()));
        assert_eq!(
            order(json!({"blanketLoaInfo": {"approved": true}})),
            Err("unknown field `body.blanketLoaInfo.approved`".to_owned())
        );
        let mut padded = letter.clone();
        padded["address"]["floor"] = json!("3");
        assert_eq!(
            order(json!({ "directLoaInfo": padded })),
            Err("unknown field `body.directLoaInfo.address.floor`".to_owned())
        );
        // The oneOf of required fields: exactly one letter.
        assert_eq!(
            order(json!({})),
            Err(
                "`body` must have exactly one of directLoaInfo, resellerLoaInfo, \
                 blanketLoaInfo; got none"
                    .to_owned()
            )
        );
        assert_eq!(
            order(json!({"directLoaInfo": letter, "blanketLoaInfo": {}})),
            Err(
                "`body` must have exactly one of directLoaInfo, resellerLoaInfo, \
                 blanketLoaInfo; got directLoaInfo and blanketLoaInfo"
                    .to_owned()
            )
        );
        // Every part of a letter is required, and none may be blank.
        let mut blank = letter.clone();
        blank["address"]["street"] = json!(" ");
        assert!(order(json!({ "directLoaInfo": blank }))
            .unwrap_err()
            .contains("body.directLoaInfo.address.street"));
        let mut missing = letter;
        missing["authorisedPerson"]
            .as_object_mut()
            .unwrap()
            .remove("email");
        assert_eq!(
            order(json!({ "directLoaInfo": missing })),
            Err("`body.directLoaInfo.authorisedPerson.email` is required".to_owned())
        );
        // An object without `additionalProperties: false` takes other fields
        // (here the read-only provisioning objects sent back as read).
        assert_eq!(
            SPEC.check_body(
                "UpdateImportedNumber",
                &json!({"displayName": "x", "mnoConfiguration": {"smsAtt": {"extra": 1}}}),
            ),
            Ok(())
        );
        assert_eq!(
            SPEC.check_body("UpdateImportedNumber", &json!({"displayName": "x", "y": 1})),
            Err("unknown field `body.y`".to_owned())
        );
    }

    #[test]
    fn patterns_read_as_ecma_262() {
        assert_eq!(ecma_classes(r"^\+?[0-9]+$"), r"^\+?[0-9]+$");
        assert_eq!(ecma_classes(r"\d\."), r"[0-9]\.");
        let index = SpecIndex::new(serde_yaml::from_str(SPEC_YAML).unwrap());
        // U+0085 is whitespace to the regex crate, not to ECMA-262; U+FEFF
        // the other way round.
        assert!(index.matches(r"\S", "\u{85}"));
        assert!(!index.matches(r"\S", "\u{FEFF}"));
        assert!(!index.matches(r"\S", " \t\u{3000}"));
        assert!(!index.matches(r"^\d$", "\u{0663}"));
        let secret = r"^[^\s\x00-\x1f\x7f-\x9f]([^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f])?$";
        assert!(index.matches(secret, "a b"));
        assert!(!index.matches(secret, "\u{FEFF}ab"));
        assert!(!index.matches(secret, "ab "));
        assert!(index.matches(r"[]a]", "]"));
    }

    #[test]
    fn date_times_are_rfc_3339() {
        for good in [
            "2025-04-02T19:45:28.650924Z",
            "2023-01-12t14:34:40z",
            "2024-02-29T00:00:00+05:30",
            "1998-12-31T23:59:60Z",
            "1998-12-31T15:59:60-08:00",
        ] {
            assert!(is_date_time(good), "{good}");
        }
        for bad in [
            "",
            "2025-04-02",
            "2025-04-02 19:45:28Z",
            "2025-04-02T19:45:28",
            "2023-02-29T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-04-02T24:00:00Z",
            "2025-04-02T12:00:60Z",
            "2025-04-02T12:00:00+24:00",
            "２０２５-04-02T12:00:00Z",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
        let order = |time: &str| {
            SPEC.check_body(
                "TextEnableHostingOrderNumbers",
                &json!({"regionCode": "US", "numbers": ["+12065550134"], "servicePlanId": "p",
                        "blanketLoaInfo": {}, "scheduledOsrUpdateTime": time}),
            )
        };
        assert_eq!(order("2025-04-02T19:45:28Z"), Ok(()));
        assert!(order("").unwrap_err().contains("not an RFC 3339 date-time"));
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
        assert_eq!(mask("displayName,smsConfiguration.campaignId"), Ok(()));
        assert_eq!(mask("callbackUrl,callbackUrl"), Ok(()));
        assert!(mask("").unwrap_err().contains("must not be empty"));
        // Only updatable paths, comma-separated without spaces.
        for bad in [
            " ",
            "0",
            "phoneNumber",
            "displayName, callbackUrl",
            "displayName,",
        ] {
            assert!(
                mask(bad)
                    .unwrap_err()
                    .contains("does not match the pattern"),
                "{bad:?}"
            );
        }
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
        assert_eq!(add(json!(["+12065550134", "+16135550134"])), Ok(()));
        // Only US and CA numbers can be hosted.
        assert!(add(json!(["+46701234567"]))
            .unwrap_err()
            .contains("does not match the pattern"));
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
