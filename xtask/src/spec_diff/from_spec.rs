//! Reading an OpenAPI 3.0 document into the comparison model: the project's
//! spec, and (through `openapi.rs`) the vendor's own OpenAPI file.
//!
//! `$ref`s to schemas, parameters, request bodies and responses are followed;
//! an `allOf` is the union of its parts (required where any part requires
//! it); a `oneOf` or `anyOf` is the union of its alternatives (required
//! where every alternative requires it), also beside `type: object`; fields
//! keep their format and whether they are read-only (a read-only object
//! makes everything in it read-only). The vendor's `type: integer, format:
//! enum` (its protobuf generator's way of saying "an enum") reads as an enum
//! whose values are those listed, or not listed when there are none; it is
//! not a format.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, SecurityScheme,
    StatusCode, Type,
};

use super::model::{Api, EnumInfo, Field, Fields, Kind, OpKey, Operation, Response, Ty};

/// Everything `spec` says, as the comparison model of a source of `kind`.
pub fn read(spec: &OpenAPI, kind: Kind) -> Api {
    let reader = Reader {
        spec,
        depth: std::cell::Cell::new(0),
    };
    let mut api = Api::new(kind);
    let hosts: BTreeSet<String> = spec
        .servers
        .iter()
        .filter_map(|s| split_url(&s.url).0)
        .collect();
    api.servers = (!hosts.is_empty()).then_some(hosts);
    api.title = Some(spec.info.title.clone()).filter(|t| !t.trim().is_empty());
    // The API's address is the server URL's path and the operation's path
    // together: `https://host/v1` with `/projects/...` is `/v1/projects/...`.
    // The first server is the default one, so its path is the base.
    let base = spec
        .servers
        .first()
        .map_or(String::new(), |s| split_url(&s.url).1);
    for (path, method, op) in spec.operations() {
        let mut operation = Operation {
            security: Some(reader.security(op.security.as_ref().or(spec.security.as_ref()))),
            ..Operation::default()
        };
        let path_item_params = match spec.paths.paths.get(path) {
            Some(ReferenceOr::Item(item)) => item.parameters.clone(),
            _ => Vec::new(),
        };
        for param in path_item_params.iter().chain(&op.parameters) {
            if let Some((key, field)) = reader.parameter(param) {
                operation.params.insert(key, field);
            }
        }
        operation.request = op.request_body.as_ref().and_then(|body| {
            let body = reader.deref_body(body)?;
            let schema = body.content.get("application/json")?.schema.as_ref()?;
            Some(Fields::Paths(reader.flatten(schema)))
        });
        for (status, response) in &op.responses.responses {
            let StatusCode::Code(code) = status else {
                continue;
            };
            let Some(response) = reader.deref_response(response) else {
                continue;
            };
            let fields = response
                .content
                .get("application/json")
                .and_then(|media| media.schema.as_ref())
                .map(|schema| Fields::Paths(reader.flatten(schema)));
            operation.responses.insert(*code, Response { fields });
        }
        api.operations
            .insert(OpKey::new(method, &format!("{base}{path}")), operation);
    }
    api
}

/// `https://host:port/base/` -> (`host:port`, `/base`); a relative URL
/// (`/base`) has no host. The path never ends with `/`.
fn split_url(url: &str) -> (Option<String>, String) {
    let (host, path) = match url.split_once("://") {
        Some((_, rest)) => match rest.split_once('/') {
            Some((host, path)) => (Some(host), format!("/{path}")),
            None => (Some(rest), String::new()),
        },
        None => (None, url.to_owned()),
    };
    let host = host.filter(|h| !h.is_empty()).map(str::to_ascii_lowercase);
    (host, path.trim_end_matches('/').to_owned())
}

struct Reader<'a> {
    spec: &'a OpenAPI,
    /// How deep the reading is in references and nesting right now: a
    /// document whose schemas refer to themselves (a tree node, a `$ref`
    /// cycle) is read to [`MAX_DEPTH`] and no further, never forever.
    depth: std::cell::Cell<usize>,
}

/// How deep references and nested objects are followed.
const MAX_DEPTH: usize = 24;

impl<'a> Reader<'a> {
    /// Runs `f` one level deeper, or not at all past [`MAX_DEPTH`] (giving
    /// nothing: `None`, or no more fields).
    fn deeper<T: Default>(&self, f: impl FnOnce() -> T) -> T {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return T::default();
        }
        self.depth.set(depth + 1);
        let out = f();
        self.depth.set(depth);
        out
    }

    /// The kinds of authentication `requirements` accept (`none` for an
    /// empty requirement, which makes authentication optional).
    fn security(
        &self,
        requirements: Option<&Vec<openapiv3::SecurityRequirement>>,
    ) -> BTreeSet<String> {
        let schemes = self.components().map(|c| &c.security_schemes);
        let mut kinds = BTreeSet::new();
        for requirement in requirements.into_iter().flatten() {
            if requirement.is_empty() {
                kinds.insert("none".to_owned());
            }
            for name in requirement.keys() {
                let scheme = schemes.and_then(|s| s.get(name)).and_then(|s| match s {
                    ReferenceOr::Item(scheme) => Some(scheme),
                    ReferenceOr::Reference { .. } => None,
                });
                kinds.insert(match scheme {
                    Some(SecurityScheme::HTTP { scheme, .. }) => scheme.to_ascii_lowercase(),
                    Some(SecurityScheme::OAuth2 { .. }) => "oauth2".to_owned(),
                    Some(SecurityScheme::APIKey { .. }) => "apikey".to_owned(),
                    Some(SecurityScheme::OpenIDConnect { .. }) => "openid".to_owned(),
                    None => super::model::security_kind(name),
                });
            }
        }
        kinds
    }

    fn components(&self) -> Option<&'a openapiv3::Components> {
        self.spec.components.as_ref()
    }

    /// Follows `$ref`s and single-element `allOf`s; returns the schema and the
    /// name of the first component it went through (the one a property names).
    fn resolve(&self, schema: &'a ReferenceOr<Schema>) -> Option<(&'a Schema, Option<String>)> {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference),
            ReferenceOr::Item(item) => self.resolve_item(item),
        }
    }

    /// [`resolve`](Self::resolve) for the boxed schemas of properties and items.
    fn resolve_boxed(
        &self,
        schema: &'a ReferenceOr<Box<Schema>>,
    ) -> Option<(&'a Schema, Option<String>)> {
        match schema {
            ReferenceOr::Reference { reference } => self.resolve_ref(reference),
            ReferenceOr::Item(item) => self.resolve_item(item),
        }
    }

    /// Whether `schema`, or a schema its `$ref`s and one-part `allOf`s go
    /// through, is marked read-only (`SmsProvisioning: {allOf: [$ref], readOnly: true}`).
    fn read_only_on_the_way(&self, schema: &'a ReferenceOr<Box<Schema>>) -> bool {
        let mut current: Option<&'a Schema> = match schema {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { reference } => self.component(reference),
        };
        // Bounded: a cycle of references cannot loop.
        for _ in 0..16 {
            let Some(schema) = current else {
                return false;
            };
            if schema.schema_data.read_only {
                return true;
            }
            current = match &schema.schema_kind {
                SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
                    ReferenceOr::Item(item) => Some(item),
                    ReferenceOr::Reference { reference } => self.component(reference),
                },
                _ => None,
            };
        }
        false
    }

    fn component(&self, reference: &str) -> Option<&'a Schema> {
        self.deeper(|| {
            let name = reference.strip_prefix("#/components/schemas/")?;
            match self.components()?.schemas.get(name)? {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { reference } => self.component(reference),
            }
        })
    }

    fn resolve_ref(&self, reference: &str) -> Option<(&'a Schema, Option<String>)> {
        self.deeper(|| {
            let name = reference.strip_prefix("#/components/schemas/")?;
            let target = self.components()?.schemas.get(name)?;
            let (schema, _) = self.resolve(target)?;
            Some((schema, Some(name.to_owned())))
        })
    }

    fn resolve_item(&self, item: &'a Schema) -> Option<(&'a Schema, Option<String>)> {
        match &item.schema_kind {
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => self.resolve(&all_of[0]),
            _ => Some((item, None)),
        }
    }

    fn deref_body(
        &self,
        body: &'a ReferenceOr<openapiv3::RequestBody>,
    ) -> Option<&'a openapiv3::RequestBody> {
        match body {
            ReferenceOr::Item(body) => Some(body),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/requestBodies/")?;
                self.deref_body(self.components()?.request_bodies.get(name)?)
            }
        }
    }

    fn deref_response(
        &self,
        response: &'a ReferenceOr<openapiv3::Response>,
    ) -> Option<&'a openapiv3::Response> {
        match response {
            ReferenceOr::Item(response) => Some(response),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/")?;
                self.deref_response(self.components()?.responses.get(name)?)
            }
        }
    }

    fn parameter(&self, param: &'a ReferenceOr<Parameter>) -> Option<(String, Field)> {
        let param = match param {
            ReferenceOr::Item(p) => p,
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                match self.components()?.parameters.get(name)? {
                    ReferenceOr::Item(p) => p,
                    ReferenceOr::Reference { .. } => return None,
                }
            }
        };
        let (location, data) = match param {
            Parameter::Path { parameter_data, .. } => ("path", parameter_data),
            Parameter::Query { parameter_data, .. } => ("query", parameter_data),
            Parameter::Header { parameter_data, .. } => ("header", parameter_data),
            Parameter::Cookie { parameter_data, .. } => ("cookie", parameter_data),
        };
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return None;
        };
        let mut field = self.field(schema)?;
        field.required = data.required;
        Some((format!("{location}.{}", data.name), field))
    }

    fn field(&self, schema: &'a ReferenceOr<Schema>) -> Option<Field> {
        let (resolved, name) = self.resolve(schema)?;
        Some(describe(resolved, name, |items| {
            self.item_schema_name(items)
        }))
    }

    /// The schema an array's items name, when they are objects: a page shows
    /// `Array of objects (Name)` but not the name of a string enum.
    fn item_schema_name(&self, items: &'a ReferenceOr<Box<Schema>>) -> Option<String> {
        let (schema, name) = self.resolve_boxed(items)?;
        let object = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => true,
            SchemaKind::Any(any) => object_like(any),
            _ => false,
        };
        object.then_some(name).flatten()
    }

    /// Every property below `schema`, by dotted path.
    fn flatten(&self, schema: &'a ReferenceOr<Schema>) -> BTreeMap<String, Field> {
        let mut out = BTreeMap::new();
        if let Some((resolved, _)) = self.resolve(schema) {
            self.walk(resolved, "", &mut out);
        }
        out
    }

    fn walk(&self, schema: &'a Schema, prefix: &str, out: &mut BTreeMap<String, Field>) {
        self.deeper(|| self.walk_here(schema, prefix, out));
    }

    fn walk_here(&self, schema: &'a Schema, prefix: &str, out: &mut BTreeMap<String, Field>) {
        let inside_read_only = out.get(prefix).is_some_and(|f| f.read_only);
        self.walk_parts(schema, prefix, out);
        if inside_read_only {
            let nested = format!("{prefix}.");
            for (_, field) in out
                .range_mut(nested.clone()..)
                .take_while(|(p, _)| p.starts_with(&nested))
            {
                field.read_only = true;
            }
        }
    }

    fn walk_parts(&self, schema: &'a Schema, prefix: &str, out: &mut BTreeMap<String, Field>) {
        self.deeper(|| self.walk_parts_here(schema, prefix, out));
    }

    fn walk_parts_here(&self, schema: &'a Schema, prefix: &str, out: &mut BTreeMap<String, Field>) {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                self.walk_properties(&object.properties, &object.required, prefix, out);
            }
            // A composition (the vendor's `CreateImportedNumberRequest` is
            // ImportedNumber plus `required`): the union of its parts' fields,
            // required when any part requires them.
            SchemaKind::AllOf { all_of } => self.walk_all_of(all_of, &[], prefix, out),
            SchemaKind::OneOf { one_of: options } | SchemaKind::AnyOf { any_of: options } => {
                self.walk_options(options, prefix, out);
            }
            // An object that also composes (`type: object` beside `oneOf`,
            // `properties` beside `allOf`): its own properties, then its parts,
            // then its alternatives.
            SchemaKind::Any(any) => {
                self.walk_properties(&any.properties, &any.required, prefix, out);
                self.walk_all_of(&any.all_of, &any.required, prefix, out);
                self.walk_options(&any.one_of, prefix, out);
                self.walk_options(&any.any_of, prefix, out);
                if let Some((items, _)) = any.items.as_ref().and_then(|i| self.resolve_boxed(i)) {
                    self.walk_parts(items, prefix, out);
                }
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some((items, _)) = array.items.as_ref().and_then(|i| self.resolve_boxed(i)) {
                    self.walk_parts(items, prefix, out);
                }
            }
            _ => {}
        }
    }

    /// The named properties of an object, each with what is below it.
    fn walk_properties(
        &self,
        properties: impl IntoIterator<Item = (&'a String, &'a ReferenceOr<Box<Schema>>)>,
        required: &[String],
        prefix: &str,
        out: &mut BTreeMap<String, Field>,
    ) {
        for (name, property) in properties {
            let Some((resolved, schema_name)) = self.resolve_boxed(property) else {
                continue;
            };
            let path = join_path(prefix, name);
            let mut field = describe(resolved, schema_name, |items| self.item_schema_name(items));
            field.required = required.contains(name);
            // `readOnly` next to a `$ref` (wrapped in an allOf) or on
            // any schema the reference goes through.
            field.read_only |= self.read_only_on_the_way(property);
            out.insert(path.clone(), field);
            self.walk(resolved, &path, out);
        }
    }

    /// The parts of an `allOf`, and `required` names (the parts' own, and
    /// `also_required` from the schema around them) marked on whichever
    /// part defines them.
    fn walk_all_of(
        &self,
        parts: &'a [ReferenceOr<Schema>],
        also_required: &[String],
        prefix: &str,
        out: &mut BTreeMap<String, Field>,
    ) {
        let mut required = also_required.to_vec();
        for part in parts {
            let Some((part, _)) = self.resolve(part) else {
                continue;
            };
            match &part.schema_kind {
                SchemaKind::Type(Type::Object(object)) => {
                    required.extend(object.required.iter().cloned());
                }
                SchemaKind::Any(any) => required.extend(any.required.iter().cloned()),
                _ => {}
            }
            self.walk_parts(part, prefix, out);
        }
        for name in required {
            if let Some(field) = out.get_mut(&join_path(prefix, &name)) {
                field.required = true;
            }
        }
    }

    /// The alternatives of a `oneOf` or `anyOf`, read as one object: every
    /// field any alternative has. A field directly at this level is
    /// required only when every alternative has it and requires it (the
    /// toll-free request's common fields, not its `directLoaInfo`, which
    /// only one alternative has); deeper fields keep their own flag, which
    /// is relative to their parent.
    fn walk_options(
        &self,
        options: &'a [ReferenceOr<Schema>],
        prefix: &str,
        out: &mut BTreeMap<String, Field>,
    ) {
        let mut read = 0;
        // Per path: the field as first read, how many alternatives have it,
        // and whether all of those require it.
        let mut merged: BTreeMap<String, (Field, usize, bool)> = BTreeMap::new();
        for option in options {
            let Some((option, _)) = self.resolve(option) else {
                continue;
            };
            read += 1;
            let mut fields = BTreeMap::new();
            self.walk_parts(option, prefix, &mut fields);
            for (path, field) in fields {
                let required = field.required;
                let entry = merged.entry(path).or_insert((field, 0, true));
                entry.1 += 1;
                entry.2 &= required;
            }
        }
        for (path, (mut field, count, all_require)) in merged {
            let rest = if prefix.is_empty() {
                path.as_str()
            } else {
                path.get(prefix.len() + 1..).unwrap_or("")
            };
            let this_level = !rest.contains('.');
            field.required = all_require && (count == read || !this_level);
            out.entry(path).or_insert(field);
        }
    }
}

/// `prefix.name`, or `name` at the top.
fn join_path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Type, enum and referenced schema of a resolved schema.
fn describe<'a>(
    schema: &'a Schema,
    name: Option<String>,
    item_name: impl Fn(&'a ReferenceOr<Box<Schema>>) -> Option<String>,
) -> Field {
    let (ty, enumeration, schema_name) = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            let values: BTreeSet<_> = s.enumeration.iter().flatten().cloned().collect();
            (
                Some(Ty::String),
                if values.is_empty() {
                    EnumInfo::None
                } else {
                    EnumInfo::Values(values)
                },
                None,
            )
        }
        SchemaKind::Type(Type::Integer(i)) => {
            let values: BTreeSet<String> =
                i.enumeration.iter().flatten().map(i64::to_string).collect();
            let enumeration = if !values.is_empty() {
                EnumInfo::Values(values)
            } else if format_name(&i.format).as_deref() == Some("enum") {
                EnumInfo::Unlisted
            } else {
                EnumInfo::None
            };
            (Some(Ty::Integer), enumeration, None)
        }
        SchemaKind::Type(Type::Number(_)) => (Some(Ty::Number), EnumInfo::None, None),
        SchemaKind::Type(Type::Boolean(_)) => (Some(Ty::Boolean), EnumInfo::None, None),
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => {
            (Some(Ty::Object), EnumInfo::None, name)
        }
        SchemaKind::Any(any) if object_like(any) => (Some(Ty::Object), EnumInfo::None, name),
        SchemaKind::Type(Type::Array(array)) => (
            Some(Ty::Array),
            EnumInfo::None,
            array.items.as_ref().and_then(item_name),
        ),
        _ => (None, EnumInfo::None, name),
    };
    let format = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => format_name(&s.format),
        SchemaKind::Type(Type::Integer(i)) => format_name(&i.format),
        SchemaKind::Type(Type::Number(n)) => format_name(&n.format),
        _ => None,
    }
    .filter(|f| f != "enum");
    Field {
        ty,
        required: false,
        enumeration,
        schema: schema_name,
        format,
        read_only: schema.schema_data.read_only,
    }
}

/// Whether a schema that mixes keywords (`type: object` beside `oneOf`,
/// `properties` beside `allOf`) describes an object.
fn object_like(any: &openapiv3::AnySchema) -> bool {
    match any.typ.as_deref() {
        Some(typ) => typ == "object",
        None => {
            !any.properties.is_empty()
                || !any.all_of.is_empty()
                || !any.one_of.is_empty()
                || !any.any_of.is_empty()
        }
    }
}

/// A format as written in the document (`date-time`, `int64`, or any other).
fn format_name<T: serde::Serialize>(
    format: &openapiv3::VariantOrUnknownOrEmpty<T>,
) -> Option<String> {
    match serde_json::to_value(format).ok()? {
        serde_json::Value::String(name) if !name.is_empty() => Some(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request body of the only operation of `doc`, read as a page.
    fn request_fields(doc: &str) -> BTreeMap<String, Field> {
        let api = super::super::openapi::read(doc).unwrap();
        let op = api.operations.values().next().unwrap();
        match &op.request {
            Some(Fields::Paths(fields)) => fields.clone(),
            other => panic!("a request body, not {other:?}"),
        }
    }

    const ONE_OF: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/projects/{projectId}/things:send:
    post:
      operationId: send
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Send'}
      responses:
        '200': {description: ok}
components:
  schemas:
    Send:
      type: object
      oneOf:
        - $ref: '#/components/schemas/ByMail'
        - $ref: '#/components/schemas/ByPhone'
    Common:
      type: object
      required: [to, body]
      properties:
        to: {type: string}
        body: {type: string}
        note: {type: string}
    ByMail:
      allOf:
        - $ref: '#/components/schemas/Common'
        - type: object
          required: [mail]
          properties:
            mail:
              type: object
              required: [address]
              properties:
                address: {type: string}
    ByPhone:
      allOf:
        - $ref: '#/components/schemas/Common'
        - type: object
          required: [phone]
          properties:
            phone: {type: string}
"#;

    #[test]
    fn one_of_alternatives_read_as_one_object() {
        let fields = request_fields(ONE_OF);
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["body", "mail", "mail.address", "note", "phone", "to"]
        );
        // Required by every alternative: required.
        assert!(fields["to"].required && fields["body"].required);
        assert!(!fields["note"].required);
        // Required by the one alternative that has it: not required overall.
        assert!(!fields["mail"].required && !fields["phone"].required);
        // Below such a field, the flag is relative to it, so it stays.
        assert!(fields["mail.address"].required);
        assert_eq!(fields["mail"].ty, Some(Ty::Object));
    }

    #[test]
    fn integer_enums_read_with_their_values() {
        let doc = ONE_OF
            .replace(
                "note: {type: string}",
                "note: {type: integer, format: enum, enum: [0, 1, 2]}",
            )
            .replace(
                "phone: {type: string}",
                "phone: {type: integer, format: enum}",
            );
        let fields = request_fields(&doc);
        let values = |v: &[&str]| EnumInfo::Values(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(fields["note"].enumeration, values(&["0", "1", "2"]));
        assert_eq!(fields["note"].format, None, "`enum` is not a format");
        // `format: enum` without values: an enum whose values are not listed.
        assert_eq!(fields["phone"].enumeration, EnumInfo::Unlisted);
    }

    #[test]
    fn project_spec_reads_into_the_model() {
        let spec =
            crate::spec::load(&crate::workspace_root().join(crate::spec::SPEC_PATH)).unwrap();
        let api = read(&spec, Kind::Spec);
        assert_eq!(api.operations.len(), 23);
        let list = &api.operations[&OpKey::new("get", "/v1/projects/{projectId}/importedNumbers")];
        assert!(list.params["path.projectId"].required);
        assert!(list.params["query.servicePlanId"].required);
        assert_eq!(list.params["query.pageSize"].ty, Some(Ty::Integer));
        let Some(Fields::Paths(body)) = &list.responses[&200].fields else {
            panic!("list has a body")
        };
        assert_eq!(
            body["importedNumbers"].schema.as_deref(),
            Some("ImportedNumber")
        );
        let state = &body["importedNumbers.mnoConfiguration.smsAtt.state"];
        assert!(matches!(&state.enumeration, EnumInfo::Values(v) if v.contains("IN_PROGRESS")));
        assert_eq!(
            body["importedNumbers.mnoConfiguration.smsAtt"]
                .schema
                .as_deref(),
            Some("MnoOperationStatus")
        );
        let delete = &api.operations[&OpKey::new(
            "delete",
            "/v1/projects/{projectId}/importedNumbers/{phoneNumber}",
        )];
        assert_eq!(delete.responses[&200].fields, None);
        assert!(delete.responses[&404].fields.is_some());
    }
}
