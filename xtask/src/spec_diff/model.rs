//! What one source says about the API, in a shape every source can fill.
//!
//! The spec, the Redoc text, the markdown reference and OpenAPI documents are
//! each read into an [`Api`]; comparing two `Api`s is then source-agnostic.
//! Where a format cannot express something (the Redoc text drops nested
//! property names, the markdown reference shows no formats), the model says
//! so ([`Fields::Flat`], [`Kind`]) instead of guessing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The JSON type of a parameter or field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
}

impl Ty {
    pub fn parse(word: &str) -> Option<Ty> {
        Some(match word {
            "string" => Ty::String,
            "integer" => Ty::Integer,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "object" => Ty::Object,
            "array" => Ty::Array,
            _ => return None,
        })
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ty::String => "string",
            Ty::Integer => "integer",
            Ty::Number => "number",
            Ty::Boolean => "boolean",
            Ty::Object => "object",
            Ty::Array => "array",
        })
    }
}

/// What a source says about the allowed values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum EnumInfo {
    /// Not an enum (or the source does not say).
    #[default]
    None,
    /// Documented as an enum whose values are not listed (Redoc's `integer <enum>`).
    Unlisted,
    /// The listed values.
    Values(BTreeSet<String>),
}

/// A parameter or a body field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Field {
    /// `None` when the source shows no type.
    pub ty: Option<Ty>,
    pub required: bool,
    pub enumeration: EnumInfo,
    /// The component schema an object (or array of objects) field refers to.
    pub schema: Option<String>,
    /// `date-time`, `int32`, ... (`None`: no format, or the source shows none).
    pub format: Option<String>,
    /// Marked `readOnly` (itself or an enclosing object): never sent in a request.
    pub read_only: bool,
}

/// The fields of a request or response body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fields {
    /// Full dotted paths (`importedNumbers.smsConfiguration.servicePlanId`);
    /// array items share their array's path.
    Paths(BTreeMap<String, Field>),
    /// Only leaf names and the schema names of nested objects are known: the
    /// Redoc text flattens nesting and drops nested objects' property names.
    Flat(FlatFields),
}

/// See [`Fields::Flat`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlatFields {
    /// Every occurrence of each leaf name.
    pub names: BTreeMap<String, Vec<Field>>,
    /// Schema names shown as `object (Name)` (with [`Ty::Object`]) or
    /// `Array of objects (Name)` ([`Ty::Array`]), with every way each is shown.
    pub schemas: BTreeMap<String, BTreeSet<Ty>>,
    /// For each schema, per line that shows it, the names listed below that
    /// line in order, up to the next `object (Name)` line: first its own
    /// fields, then (where the object ends, which the page does not show)
    /// fields of the objects around it.
    pub heads: BTreeMap<String, Vec<Vec<String>>>,
}

/// One response status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// `None` when the source shows no body for this status.
    pub fields: Option<Fields>,
}

/// One operation, as a source describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Operation {
    /// Keyed `path.<name>`, `query.<name>` or `header.<name>`.
    pub params: BTreeMap<String, Field>,
    pub request: Option<Fields>,
    pub responses: BTreeMap<u16, Response>,
    /// The kinds of authentication accepted (`basic`, `oauth2`, ...; see
    /// [`security_kind`]); `None` when the source does not say.
    pub security: Option<BTreeSet<String>>,
}

/// Method and path template: how operations are matched across sources.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpKey {
    pub method: String,
    pub path: String,
}

impl OpKey {
    pub fn new(method: &str, path: &str) -> Self {
        OpKey {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
        }
    }

    /// Method and path with parameter names blanked (`/a/{}/b`): operations
    /// match on this, so a renamed path parameter is its own finding.
    pub fn template(&self) -> (String, String) {
        let mut path = String::with_capacity(self.path.len());
        let mut in_name = false;
        for c in self.path.chars() {
            match c {
                '{' => {
                    in_name = true;
                    path.push_str("{}");
                }
                '}' if in_name => in_name = false,
                _ if in_name => {}
                _ => path.push(c),
            }
        }
        (self.method.clone(), path)
    }

    /// The names of the path parameters, in order.
    pub fn path_params(&self) -> Vec<&str> {
        self.path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }
}

impl fmt::Display for OpKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// The kind of source, and so what it can express.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The project's own spec.
    #[default]
    Spec,
    /// A Redoc page rendered as text.
    Redoc,
    /// The per-operation markdown reference.
    Markdown,
    /// An OpenAPI 3.0 document (the vendor's own, or any other).
    OpenApi,
}

impl Kind {
    /// Every kind a page can be, by the name used on the command line, in
    /// reports and in `openapi/accepted-drift.toml`.
    pub const PAGES: [(&'static str, Kind); 3] = [
        ("redoc", Kind::Redoc),
        ("markdown", Kind::Markdown),
        ("openapi", Kind::OpenApi),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Spec => "spec",
            Kind::Redoc => "redoc",
            Kind::Markdown => "markdown",
            Kind::OpenApi => "openapi",
        }
    }

    pub fn parse(word: &str) -> Option<Kind> {
        Kind::PAGES
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, kind)| *kind)
    }

    /// Whether the source lists statuses that have no body.
    pub fn shows_bodiless_statuses(self) -> bool {
        self != Kind::Markdown
    }

    /// Whether the source documents the whole API (so an operation it lacks
    /// is missing), rather than one operation per page.
    pub fn covers_whole_api(self) -> bool {
        self != Kind::Markdown
    }

    /// Whether the source shows formats (`string <date-time>`), so a missing
    /// one is a difference.
    pub fn shows_formats(self) -> bool {
        self != Kind::Markdown
    }

    /// Whether the source marks read-only fields.
    pub fn shows_read_only(self) -> bool {
        matches!(self, Kind::Spec | Kind::OpenApi)
    }
}

/// What one source says: its operations, and what its format can express.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Api {
    pub kind: Kind,
    pub operations: BTreeMap<OpKey, Operation>,
    /// The hosts of the servers it names (`None`: the source does not say).
    /// Operation paths already include the server URL's path (the base).
    pub servers: Option<BTreeSet<String>>,
    /// The document's own name for what it describes (OpenAPI `info.title`).
    pub title: Option<String>,
    /// Places (JSON pointers) where an OpenAPI document breaks the format in
    /// a way with one evident meaning, and was read with that meaning.
    pub repairs: Vec<String>,
}

impl Api {
    pub fn new(kind: Kind) -> Self {
        Api {
            kind,
            ..Api::default()
        }
    }
}

/// The kind of authentication a scheme name on a page stands for: `Basic`
/// -> `basic`, `OAuth2.0` / `OAuth2` -> `oauth2`, `Bearer` -> `bearer`;
/// other names lower-cased.
pub fn security_kind(name: &str) -> String {
    let plain: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if plain.starts_with("oauth2") || plain == "oauth" {
        "oauth2".into()
    } else if plain.starts_with("basic") {
        "basic".into()
    } else if plain.starts_with("bearer") {
        "bearer".into()
    } else {
        plain
    }
}

/// The schemes of a `Security` line: `SecurityBasic or OAuth2.0` (Redoc) or
/// `Security: Basic, OAuth2.0` (markdown).
pub fn security_line(line: &str) -> Option<BTreeSet<String>> {
    let rest = line.trim().strip_prefix("Security")?;
    let rest = rest.trim_start_matches(':').trim();
    let names: Vec<&str> = rest
        .split(',')
        .flat_map(|part| part.split(" or "))
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    // Scheme names are single words: a sentence that starts with "Security"
    // is prose, not a list of schemes.
    if names.is_empty() || names.iter().any(|n| n.contains(char::is_whitespace)) {
        return None;
    }
    Some(names.into_iter().map(security_kind).collect())
}

/// Enum values in a description: `Enum: "A" "B"` or `Enum: "A", "B"`.
pub fn enum_values(text: &str) -> Option<BTreeSet<String>> {
    let start = text.find("Enum:")? + "Enum:".len();
    let mut values = BTreeSet::new();
    let mut rest = text[start..].trim_start();
    while let Some(after_quote) = rest.strip_prefix('"') {
        let end = after_quote.find('"')?;
        values.insert(after_quote[..end].to_owned());
        rest = after_quote[end + 1..].trim_start_matches([',', ' ']);
    }
    (!values.is_empty()).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_in_both_styles() {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(
            enum_values(r#"Enum: "START" "CONTAIN" "END""#),
            Some(set(&["START", "CONTAIN", "END"]))
        );
        assert_eq!(
            enum_values(r#"Order. Enum: "createdTime", "updatedTime" - next"#),
            Some(set(&["createdTime", "updatedTime"]))
        );
        assert_eq!(enum_values("no enum here"), None);
    }

    #[test]
    fn templates_ignore_parameter_names() {
        let a = OpKey::new("get", "/v1/projects/{projectId}/x/{id}");
        let b = OpKey::new("GET", "/v1/projects/{project_id}/x/{other}");
        assert_eq!(a.template(), b.template());
        assert_eq!(a.template().1, "/v1/projects/{}/x/{}");
        assert_eq!(b.path_params(), ["project_id", "other"]);
        assert_ne!(
            a.template(),
            OpKey::new("get", "/v1/projects/{p}/y/{id}").template()
        );
    }

    #[test]
    fn security_lines_in_both_styles() {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(
            security_line("SecurityBasic or OAuth2.0"),
            Some(set(&["basic", "oauth2"]))
        );
        assert_eq!(
            security_line("Security: Basic, OAuth2.0"),
            Some(set(&["basic", "oauth2"]))
        );
        assert_eq!(security_line("SecurityOAuth2.0"), Some(set(&["oauth2"])));
        assert_eq!(security_line("Nothing"), None);
        assert_eq!(security_line("Security considerations apply."), None);
    }
}
