//! Reading a Redoc page rendered as text.
//!
//! The format, as the vendor publishes it: each operation ends with its
//! method glued to its path (`get/v1/...`). Inside, `path Parameters`,
//! `query Parameters`, `Request Body schema: application/json` and
//! `Responses` open sections; a parameter or field is its name, an optional
//! `required` line, and a type line (`string`, `integer <enum>`,
//! `Array of integers <enum>`, ...), followed by its description and maybe
//! `Enum: "A" "B"`. Nested objects appear only as `object (Name)` lines: the
//! property name and where the object ends are not shown, so body fields are
//! read as [`Fields::Flat`].

use super::model::{
    enum_values, Api, EnumInfo, Field, Fields, FlatFields, Kind, OpKey, Operation, Response, Ty,
};

const METHODS: [&str; 7] = ["get", "post", "put", "patch", "delete", "head", "options"];

fn glued_operation(line: &str) -> Option<OpKey> {
    METHODS.iter().find_map(|m| {
        let path = line.strip_prefix(m)?;
        (path.starts_with('/') && !path.contains(char::is_whitespace)).then(|| OpKey::new(m, path))
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Path,
    Query,
    Header,
    Body,
    Responses,
    ResponseBody(u16),
}

/// What a type line says.
struct TypeLine {
    ty: Ty,
    unlisted_enum: bool,
    /// `string <date-time>` -> `date-time` (`<enum>` is not a format).
    format: Option<String>,
    /// `object (Name)` / `Array of objects (Name)`.
    schema: Option<String>,
}

fn type_line(line: &str) -> Option<TypeLine> {
    let (head, annotation) = match line.split_once(' ') {
        Some((head, rest)) if rest.starts_with('<') => (head, Some(rest)),
        _ => (line, None),
    };
    if let Some(ty) = Ty::parse(head) {
        let annotation = annotation
            .and_then(|a| a.strip_prefix('<'))
            .and_then(|a| a.strip_suffix('>'));
        return Some(TypeLine {
            ty,
            unlisted_enum: annotation == Some("enum"),
            format: annotation.filter(|a| *a != "enum").map(str::to_owned),
            schema: None,
        });
    }
    if let Some(name) = line
        .strip_prefix("object (")
        .and_then(|r| r.strip_suffix(')'))
    {
        return Some(TypeLine {
            ty: Ty::Object,
            unlisted_enum: false,
            format: None,
            schema: Some(name.to_owned()),
        });
    }
    let items = line.strip_prefix("Array of ")?;
    if let Some(name) = items
        .strip_prefix("objects (")
        .and_then(|r| r.strip_suffix(')'))
    {
        return Some(TypeLine {
            ty: Ty::Array,
            unlisted_enum: false,
            format: None,
            schema: Some(name.to_owned()),
        });
    }
    let word = items.split(' ').next()?;
    matches!(
        word,
        "strings" | "integers" | "numbers" | "booleans" | "objects" | "arrays"
    )
    .then(|| TypeLine {
        ty: Ty::Array,
        unlisted_enum: items.ends_with("<enum>"),
        format: None,
        schema: None,
    })
}

/// Lines that open a section.
fn is_marker(line: &str) -> bool {
    matches!(
        line,
        "path Parameters" | "query Parameters" | "header Parameters" | "Responses"
    ) || line.starts_with("Request Body schema:")
        || line.starts_with("Response Schema:")
}

fn is_identifier(line: &str) -> bool {
    let mut chars = line.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        // `-` for header names (`X-Request-Id`).
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn status_line(line: &str) -> Option<u16> {
    (line.len() == 3 && line.bytes().all(|b| b.is_ascii_digit()))
        .then(|| line.parse().ok())
        .flatten()
}

/// Reads every operation on the page.
pub fn read(text: &str) -> Api {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut api = Api::new(Kind::Redoc);
    let mut start = 0;
    for (end, line) in lines.iter().enumerate() {
        if let Some(key) = glued_operation(line) {
            api.operations
                .insert(key, read_operation(&lines[start..end]));
            start = end + 1;
        }
    }
    api
}

fn read_operation(lines: &[&str]) -> Operation {
    let mut op = Operation::default();
    let mut body: Option<FlatFields> = None;
    let mut section = Section::None;
    // The schema whose `object (Name)` line was the last one in this body.
    let mut head: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let marker = match line {
            "path Parameters" => Some(Section::Path),
            "query Parameters" => Some(Section::Query),
            "header Parameters" => Some(Section::Header),
            "Responses" => Some(Section::Responses),
            l if l.starts_with("Request Body schema:") => Some(Section::Body),
            _ => None,
        };
        if let Some(kinds) =
            super::model::security_line(line).filter(|_| line.starts_with("Security"))
        {
            op.security = Some(kinds);
            i += 1;
            continue;
        }
        if let Some(next) = marker {
            section = next;
            head = None;
            if next == Section::Body {
                body = Some(FlatFields::default());
            }
            i += 1;
            continue;
        }
        if matches!(section, Section::Responses | Section::ResponseBody(_)) {
            if let Some(status) = status_line(line) {
                op.responses.insert(status, Response { fields: None });
                section = Section::Responses;
                head = None;
                i += 1;
                continue;
            }
            if line.starts_with("Response Schema:") {
                if let Some((&status, response)) = op.responses.iter_mut().next_back() {
                    response.fields = Some(Fields::Flat(FlatFields::default()));
                    section = Section::ResponseBody(status);
                }
                i += 1;
                continue;
            }
        }
        if section == Section::None || section == Section::Responses {
            i += 1;
            continue;
        }
        // A nameless nested object or array of objects.
        if let Some(TypeLine {
            schema: Some(schema),
            ty,
            ..
        }) = type_line(line)
        {
            if let Some(flat) = flat_of(&mut op, &mut body, section) {
                flat.schemas.entry(schema.clone()).or_default().insert(ty);
                flat.heads
                    .entry(schema.clone())
                    .or_default()
                    .push(Vec::new());
                head = Some(schema);
            }
            i += 1;
            continue;
        }
        let Some((name, field, consumed)) = entry(&lines[i..], section) else {
            i += 1;
            continue;
        };
        i += consumed;
        match section {
            Section::Path => {
                op.params.insert(format!("path.{name}"), field);
            }
            Section::Query => {
                op.params.insert(format!("query.{name}"), field);
            }
            Section::Header => {
                op.params.insert(format!("header.{name}"), field);
            }
            _ => {
                if let Some(flat) = flat_of(&mut op, &mut body, section) {
                    if let Some(names) = head
                        .as_ref()
                        .and_then(|schema| flat.heads.get_mut(schema))
                        .and_then(|lines| lines.last_mut())
                    {
                        names.push(name.clone());
                    }
                    if let (Some(schema), Some(ty)) = (&field.schema, field.ty) {
                        flat.schemas.entry(schema.clone()).or_default().insert(ty);
                        flat.heads
                            .entry(schema.clone())
                            .or_default()
                            .push(Vec::new());
                        head = Some(schema.clone());
                    }
                    flat.names.entry(name).or_default().push(field);
                }
            }
        }
    }
    op.request = body.map(Fields::Flat);
    op
}

fn flat_of<'a>(
    op: &'a mut Operation,
    body: &'a mut Option<FlatFields>,
    section: Section,
) -> Option<&'a mut FlatFields> {
    match section {
        Section::Body => body.as_mut(),
        Section::ResponseBody(status) => match op.responses.get_mut(&status)?.fields.as_mut()? {
            Fields::Flat(flat) => Some(flat),
            Fields::Paths(_) => None,
        },
        _ => None,
    }
}

/// Whether `lines[0]` is the name of an entry: followed by a type line, by
/// `required`, or (in a response body) by the next status, for a field shown
/// without a type.
fn starts_entry(lines: &[&str], section: Section) -> bool {
    let next = lines.get(1).copied().unwrap_or("");
    lines.first().is_some_and(|name| is_identifier(name))
        && (type_line(next).is_some()
            || next == "required"
            || (matches!(section, Section::ResponseBody(_)) && status_line(next).is_some()))
}

/// A named entry starting at `lines[0]`: name, optional `required`, type line,
/// then description lines up to the next entry. Returns how many lines it used.
fn entry(lines: &[&str], section: Section) -> Option<(String, Field, usize)> {
    let name = *lines.first()?;
    if !is_identifier(name) {
        return None;
    }
    let mut at = 1;
    let required = lines.get(at) == Some(&"required");
    if required {
        at += 1;
    }
    let next = lines.get(at).copied().unwrap_or("");
    let mut field = Field {
        required,
        ..Field::default()
    };
    match type_line(next) {
        Some(t) => {
            field.ty = Some(t.ty);
            field.schema = t.schema;
            field.format = t.format;
            if t.unlisted_enum {
                field.enumeration = EnumInfo::Unlisted;
            }
            at += 1;
        }
        // A response field the page shows without a type (the next line is
        // already the next status): keep it, with the type unknown.
        None if matches!(section, Section::ResponseBody(_)) && status_line(next).is_some() => {}
        None => return None,
    }
    // Description lines, up to the next entry, header or section.
    while let Some(line) = lines.get(at) {
        if starts_entry(&lines[at..], section)
            || type_line(line).is_some()
            || status_line(line).is_some()
            || is_marker(line)
        {
            break;
        }
        if let Some(values) = enum_values(line) {
            field.enumeration = EnumInfo::Values(values);
        }
        at += 1;
    }
    Some((name.to_owned(), field, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        std::fs::read_to_string(
            crate::workspace_root().join("openapi/vendor-docs/imported-numbers.redoc.txt"),
        )
        .unwrap()
    }

    #[test]
    fn reads_every_operation_of_the_vendor_page() {
        let api = read(&page());
        let keys: Vec<String> = api.operations.keys().map(|k| k.to_string()).collect();
        assert_eq!(
            keys,
            [
                "DELETE /v1/projects/{projectId}/importedNumbers/{phoneNumber}",
                "GET /v1/projects/{projectId}/importedNumbers",
                "GET /v1/projects/{projectId}/importedNumbers/{phoneNumber}",
                "PATCH /v1/projects/{projectId}/importedNumbers/{phoneNumber}",
                "POST /v1/projects/{projectId}/importedNumbers",
            ]
        );
        let list = &api.operations[&OpKey::new("get", "/v1/projects/{projectId}/importedNumbers")];
        let params: Vec<_> = list.params.keys().cloned().collect();
        assert_eq!(params.len(), 9, "{params:?}");
        assert!(list.params["query.servicePlanId"].required);
        assert!(!list.params["query.regionCode"].required);
        assert_eq!(list.params["query.pageSize"].ty, Some(Ty::Integer));
        let search = &list.params["query.numberPattern.searchPattern"].enumeration;
        assert!(matches!(search, EnumInfo::Values(v) if v.len() == 3 && v.contains("CONTAIN")));
        assert_eq!(
            list.responses.keys().copied().collect::<Vec<_>>(),
            [200, 400, 500]
        );
        let Some(Fields::Flat(body)) = &list.responses[&200].fields else {
            panic!("200 has a body")
        };
        assert!(
            body.schemas.contains_key("ImportedNumber")
                && body.schemas.contains_key("SmsConfiguration")
        );
        assert_eq!(body.names["totalSize"][0].ty, None, "shown without a type");
        assert_eq!(body.names["nextPageToken"][0].ty, Some(Ty::String));
    }

    #[test]
    fn reads_nested_body_fields_flat() {
        let api = read(&page());
        let import =
            &api.operations[&OpKey::new("post", "/v1/projects/{projectId}/importedNumbers")];
        let Some(Fields::Flat(body)) = &import.request else {
            panic!("import has a body")
        };
        assert!(body.schemas.contains_key("ScheduledProvisioning"));
        assert_eq!(body.names["status"][0].enumeration, EnumInfo::Unlisted);
        assert_eq!(body.names["errorCodes"][0].ty, Some(Ty::Array));
        assert_eq!(
            body.names["servicePlanId"].len(),
            2,
            "in SmsConfiguration and ScheduledProvisioning"
        );
        assert_eq!(
            import.responses.keys().copied().collect::<Vec<_>>(),
            [200, 400, 409, 500]
        );
        let delete = &api.operations[&OpKey::new(
            "delete",
            "/v1/projects/{projectId}/importedNumbers/{phoneNumber}",
        )];
        assert_eq!(delete.responses[&200].fields, None);
        let update = &api.operations[&OpKey::new(
            "patch",
            "/v1/projects/{projectId}/importedNumbers/{phoneNumber}",
        )];
        assert!(update.params.contains_key("query.updateMask"));
    }
}
