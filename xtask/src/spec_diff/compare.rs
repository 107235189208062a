//! Comparing what the spec says with what one page says.

use std::collections::{BTreeMap, BTreeSet};

use super::finding::{Finding, Severity};
use super::model::{Api, EnumInfo, Field, Fields, FlatFields, Kind, OpKey, Operation};

/// Collects findings for one page.
struct Diff<'a> {
    page: &'a str,
    kind: Kind,
    operation: String,
    out: Vec<Finding>,
    /// Page schema -> spec schema, for renames shown somewhere on the page
    /// (see [`pair_renamed_schemas`]).
    renames: BTreeMap<String, String>,
}

impl Diff<'_> {
    fn add(
        &mut self,
        rule: &'static str,
        severity: Severity,
        location: impl Into<String>,
        spec: Option<String>,
        docs: Option<String>,
    ) {
        self.out.push(Finding {
            rule,
            severity,
            page: self.page.to_owned(),
            kind: self.kind.name(),
            operation: self.operation.clone(),
            location: location.into(),
            spec,
            docs,
            accepted: None,
        });
    }
}

fn describe(field: &Field) -> String {
    let mut text = field
        .ty
        .map_or("no type shown".to_owned(), |t| t.to_string());
    if let Some(format) = &field.format {
        text.push_str(&format!(" <{format}>"));
    }
    if let Some(schema) = &field.schema {
        text.push_str(&format!(" ({schema})"));
    }
    if field.required {
        text.push_str(", required");
    }
    if field.read_only {
        text.push_str(", read-only");
    }
    match &field.enumeration {
        EnumInfo::Values(values) => text.push_str(&format!(", enum {}", join(values))),
        EnumInfo::Unlisted => text.push_str(", enum (values not listed)"),
        EnumInfo::None => {}
    }
    text
}

fn join(values: &BTreeSet<String>) -> String {
    values
        .iter()
        .map(|v| format!("\"{v}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The part of a path template that names its resource collection:
/// `/v1/projects/{}/importedNumbers/{}` -> `/v1/projects/{}/importedNumbers`.
/// A custom method's `:verb` is not part of it
/// (`/v1/projects/{}/hostingOrders:importNumbers` -> `/v1/projects/{}/hostingOrders`).
fn collection(template: &str) -> String {
    let mut out = String::new();
    let mut after_param = false;
    let segments = template
        .split('/')
        .map(|s| s.split_once(':').map_or(s, |(name, _verb)| name))
        .filter(|s| !s.is_empty());
    for segment in segments {
        out.push('/');
        out.push_str(segment);
        if segment == "{}" {
            after_param = true;
        } else if after_param {
            break;
        }
    }
    out
}

/// Whether a path segment names an API version: `v1`, `v2`, `v1beta1`.
fn is_version(segment: &str) -> bool {
    let mut chars = segment.chars();
    chars.next() == Some('v')
        && chars.next().is_some_and(|c| c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// The first version segment of a path (`/v1/projects/...` -> `v1`).
fn version(path: &str) -> Option<&str> {
    path.split('/').find(|s| is_version(s))
}

/// A path template with its first version segment blanked
/// (`/v1/projects/{}` -> `/{version}/projects/{}`): operations that differ
/// only in the version match on this.
fn unversioned(template: &str) -> String {
    let mut blanked = false;
    template
        .split('/')
        .map(|segment| {
            if !blanked && is_version(segment) {
                blanked = true;
                "{version}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The collections of `api`'s operations, whatever their version.
fn collections(api: &Api) -> BTreeSet<String> {
    api.operations
        .keys()
        .map(|k| collection(&unversioned(&k.template().1)))
        .collect()
}

/// Whether `page` has an operation in a collection the spec has (by base
/// path and collection, whatever the version): whether it describes this
/// API at all.
pub fn shares_operation(spec: &Api, page: &Api) -> bool {
    !collections(spec).is_disjoint(&collections(page))
}

/// What a page of another API describes, in a few words: its title, its
/// collections and how many operations it has.
pub fn what_it_describes(page: &Api) -> String {
    let mut names: Vec<String> = page
        .operations
        .keys()
        .map(|k| collection(&k.template().1))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let more = names.len().saturating_sub(4);
    names.truncate(4);
    let mut text = match &page.title {
        Some(title) => format!("\"{title}\", "),
        None => String::new(),
    };
    text.push_str(&format!(
        "{} operation(s) under {}",
        page.operations.len(),
        names.join(", ")
    ));
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

/// Whether the page documents another API: its servers are other hosts, or
/// none of its operations is in a collection the spec has.
fn other_api(spec: &Api, page: &Api) -> bool {
    if let (Some(spec_hosts), Some(page_hosts)) = (&spec.servers, &page.servers) {
        if spec_hosts.is_disjoint(page_hosts) {
            return true;
        }
    }
    !shares_operation(spec, page)
}

/// Every difference between `spec` and `page` (read from the file `page_name`).
pub fn compare(spec: &Api, page: &Api, page_name: &str) -> Vec<Finding> {
    let mut diff = Diff {
        page: page_name,
        kind: page.kind,
        operation: String::new(),
        out: Vec::new(),
        renames: BTreeMap::new(),
    };
    for pointer in &page.repairs {
        diff.add(
            "document-repaired",
            Severity::Info,
            pointer.clone(),
            None,
            Some("a list of schemas under `properties`, read as the schema's `allOf`".into()),
        );
    }
    if let (Some(spec_hosts), Some(page_hosts)) = (&spec.servers, &page.servers) {
        for host in page_hosts.difference(spec_hosts) {
            diff.add(
                "server-missing-in-spec",
                Severity::Error,
                "servers",
                None,
                Some(host.clone()),
            );
        }
        for host in spec_hosts.difference(page_hosts) {
            diff.add(
                "server-missing-in-docs",
                Severity::Warning,
                "servers",
                Some(host.clone()),
                None,
            );
        }
    }
    // Operations match on method and path template, whatever the path
    // parameters are called.
    let by_template: BTreeMap<(String, String), &OpKey> =
        spec.operations.keys().map(|k| (k.template(), k)).collect();
    // Failing that, on the template whatever the version: a moved version
    // is one finding, and the operations are still compared.
    let by_unversioned: BTreeMap<(String, String), &OpKey> = spec
        .operations
        .keys()
        .map(|k| {
            let (method, path) = k.template();
            ((method, unversioned(&path)), k)
        })
        .collect();
    let find = |key: &OpKey| {
        let (method, template) = key.template();
        by_template
            .get(&(method.clone(), template.clone()))
            .or_else(|| by_unversioned.get(&(method, unversioned(&template))))
            .copied()
    };
    diff.renames = proven_renames(spec, page, find);
    let elsewhere = other_api(spec, page);
    let mut matched = BTreeSet::new();
    // (spec's version, page's version) -> how many operations moved.
    let mut moved: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (key, docs_op) in &page.operations {
        diff.operation = key.to_string();
        let Some(spec_key) = find(key) else {
            if elsewhere {
                diff.add(
                    "operation-other-api",
                    Severity::Info,
                    "operation",
                    None,
                    Some("documented, but not part of this API (another host or base path)".into()),
                );
            } else {
                diff.add(
                    "operation-missing-in-spec",
                    Severity::Error,
                    "operation",
                    None,
                    Some("documented".into()),
                );
            }
            continue;
        };
        matched.insert(spec_key);
        if let (Some(ours), Some(theirs)) = (version(&spec_key.path), version(&key.path)) {
            if ours != theirs {
                *moved
                    .entry((ours.to_owned(), theirs.to_owned()))
                    .or_default() += 1;
            }
        }
        let spec_op = &spec.operations[spec_key];
        if spec_key == key {
            compare_operation(&mut diff, spec_op, docs_op, page);
        } else {
            // Reported under the spec's path, so one finding names one operation.
            diff.operation = spec_key.to_string();
            let mut renamed = docs_op.clone();
            rename_path_params(&mut diff, spec_key, key, &mut renamed);
            compare_operation(&mut diff, spec_op, &renamed, page);
        }
    }
    if page.kind.covers_whole_api() && !elsewhere {
        for key in spec.operations.keys().filter(|k| !matched.contains(k)) {
            diff.operation = key.to_string();
            diff.add(
                "operation-missing-in-docs",
                Severity::Warning,
                "operation",
                Some("defined".into()),
                None,
            );
        }
    }
    diff.operation = String::new();
    for ((ours, theirs), count) in moved {
        diff.add(
            "api-version-differs",
            Severity::Error,
            "base path",
            Some(format!("/{ours}")),
            Some(format!(
                "/{theirs}, on {count} of the page's {} operations (compared as if under /{ours})",
                page.operations.len()
            )),
        );
    }
    let flattens = page.operations.values().any(|op| {
        matches!(op.request, Some(Fields::Flat(_)))
            || op
                .responses
                .values()
                .any(|r| matches!(r.fields, Some(Fields::Flat(_))))
    });
    if flattens {
        diff.operation = String::new();
        diff.add(
            "format-cannot-express",
            Severity::Info,
            "body fields",
            None,
            Some(
                "nested objects appear as `object (Name)` without their property name or end, so body fields are \
                 compared by name and nested objects by schema name, not by path"
                    .into(),
            ),
        );
    }
    diff.out
}

/// Reports each path parameter the page names differently, and renames it
/// in `docs` to the spec's name so the rest is compared as usual.
fn rename_path_params(
    diff: &mut Diff<'_>,
    spec_key: &OpKey,
    docs_key: &OpKey,
    docs: &mut Operation,
) {
    for (spec_name, docs_name) in spec_key
        .path_params()
        .into_iter()
        .zip(docs_key.path_params())
    {
        if spec_name == docs_name {
            continue;
        }
        diff.add(
            "path-parameter-renamed",
            Severity::Error,
            format!("path.{spec_name}"),
            Some(format!("{{{spec_name}}}")),
            Some(format!("{{{docs_name}}}")),
        );
        if let Some(field) = docs.params.remove(&format!("path.{docs_name}")) {
            docs.params.insert(format!("path.{spec_name}"), field);
        }
    }
}

fn compare_operation(diff: &mut Diff<'_>, spec: &Operation, docs: &Operation, page: &Api) {
    if let (Some(spec_kinds), Some(docs_kinds)) = (&spec.security, &docs.security) {
        for kind in docs_kinds.difference(spec_kinds) {
            diff.add(
                "security-scheme-missing-in-spec",
                Severity::Error,
                "security",
                Some(join(spec_kinds)),
                Some(kind.clone()),
            );
        }
        for kind in spec_kinds.difference(docs_kinds) {
            diff.add(
                "security-scheme-missing-in-docs",
                Severity::Warning,
                "security",
                Some(kind.clone()),
                Some(join(docs_kinds)),
            );
        }
    }
    for name in keys(&spec.params, &docs.params) {
        match (spec.params.get(name), docs.params.get(name)) {
            (None, Some(d)) => diff.add(
                "parameter-missing-in-spec",
                Severity::Error,
                name,
                None,
                Some(describe(d)),
            ),
            (Some(s), None) => diff.add(
                "parameter-missing-in-docs",
                Severity::Warning,
                name,
                Some(describe(s)),
                None,
            ),
            (Some(s), Some(d)) => {
                if d.ty.is_some() && d.ty != s.ty {
                    diff.add(
                        "parameter-type-differs",
                        Severity::Error,
                        name,
                        Some(describe(s)),
                        Some(describe(d)),
                    );
                }
                if d.required != s.required {
                    diff.add(
                        "parameter-required-differs",
                        Severity::Error,
                        name,
                        Some(describe(s)),
                        Some(describe(d)),
                    );
                }
                compare_format(diff, name, s, d);
                compare_enum(diff, name, &s.enumeration, &d.enumeration);
            }
            (None, None) => {}
        }
    }
    match (&spec.request, &docs.request) {
        (None, Some(_)) => diff.add(
            "request-body-missing-in-spec",
            Severity::Error,
            "request",
            None,
            Some("a JSON body".into()),
        ),
        (Some(_), None) => diff.add(
            "request-body-missing-in-docs",
            Severity::Warning,
            "request",
            Some("a JSON body".into()),
            None,
        ),
        (Some(s), Some(d)) => {
            let read_only = read_only_paths(spec);
            compare_fields(diff, "request", s, d, &read_only);
        }
        (None, None) => {}
    }
    let statuses: BTreeSet<u16> = spec
        .responses
        .keys()
        .chain(docs.responses.keys())
        .copied()
        .collect();
    for status in statuses {
        let location = format!("response.{status}");
        match (spec.responses.get(&status), docs.responses.get(&status)) {
            (None, Some(_)) => diff.add(
                "status-missing-in-spec",
                Severity::Error,
                location,
                None,
                Some("documented".into()),
            ),
            (Some(s), None) => {
                if page.kind.shows_bodiless_statuses() || s.fields.is_some() {
                    diff.add(
                        "status-missing-in-docs",
                        Severity::Warning,
                        location,
                        Some("defined".into()),
                        None,
                    );
                }
            }
            (Some(s), Some(d)) => match (&s.fields, &d.fields) {
                (None, Some(_)) => diff.add(
                    "response-body-missing-in-spec",
                    Severity::Error,
                    location,
                    None,
                    Some("a JSON body".into()),
                ),
                (Some(_), None) => diff.add(
                    "response-body-missing-in-docs",
                    Severity::Warning,
                    location,
                    Some("a JSON body".into()),
                    None,
                ),
                (Some(sf), Some(df)) => compare_fields(diff, &location, sf, df, &BTreeMap::new()),
                (None, None) => {}
            },
            (None, None) => {}
        }
    }
}

fn keys<'a, V>(a: &'a BTreeMap<String, V>, b: &'a BTreeMap<String, V>) -> BTreeSet<&'a String> {
    a.keys().chain(b.keys()).collect()
}

fn compare_enum(diff: &mut Diff<'_>, location: &str, spec: &EnumInfo, docs: &EnumInfo) {
    let spec_values = match spec {
        EnumInfo::Values(v) => v.clone(),
        _ => BTreeSet::new(),
    };
    match docs {
        EnumInfo::Values(docs_values) => {
            for v in docs_values.difference(&spec_values) {
                diff.add(
                    "enum-value-missing-in-spec",
                    Severity::Error,
                    location,
                    Some(spec_summary(spec)),
                    Some(format!("\"{v}\"")),
                );
            }
            for v in spec_values.difference(docs_values) {
                diff.add(
                    "enum-value-missing-in-docs",
                    Severity::Warning,
                    location,
                    Some(format!("\"{v}\"")),
                    Some(join(docs_values)),
                );
            }
        }
        EnumInfo::Unlisted if spec_values.is_empty() => diff.add(
            "enum-values-unpublished",
            Severity::Info,
            location,
            Some(spec_summary(spec)),
            Some("an enum, values not listed".into()),
        ),
        EnumInfo::Unlisted => {}
        EnumInfo::None if !spec_values.is_empty() => diff.add(
            "enum-not-in-docs",
            Severity::Warning,
            location,
            Some(join(&spec_values)),
            Some("no values listed".into()),
        ),
        EnumInfo::None => {}
    }
}

fn spec_summary(spec: &EnumInfo) -> String {
    match spec {
        EnumInfo::Values(v) => join(v),
        _ => "not an enum".into(),
    }
}

/// Paths the spec marks read-only in the operation's request or responses:
/// never sent, so a page may list them under the request or leave them out.
fn read_only_paths(spec: &Operation) -> BTreeMap<String, Field> {
    let mut out = BTreeMap::new();
    let bodies = spec
        .request
        .iter()
        .chain(spec.responses.values().filter_map(|r| r.fields.as_ref()));
    for body in bodies {
        if let Fields::Paths(paths) = body {
            out.extend(
                paths
                    .iter()
                    .filter(|(_, f)| f.read_only)
                    .map(|(p, f)| (p.clone(), f.clone())),
            );
        }
    }
    out
}

fn compare_fields(
    diff: &mut Diff<'_>,
    prefix: &str,
    spec: &Fields,
    docs: &Fields,
    read_only: &BTreeMap<String, Field>,
) {
    let Fields::Paths(spec_paths) = spec else {
        return;
    };
    let every_spec_path = spec_paths;
    // In a request, read-only fields are the server's business: the spec's
    // are not missing from the page, and the page's are not missing from
    // the spec (a page that shows both sides may still disagree on the flag).
    let page_marks = diff.kind.shows_read_only();
    let docs_has = |path: &str| match docs {
        Fields::Paths(paths) => paths.contains_key(path),
        Fields::Flat(_) => false,
    };
    let spec_paths: BTreeMap<String, Field> = spec_paths
        .iter()
        .filter(|(path, field)| {
            let hidden = read_only.contains_key(*path) && field.read_only;
            // A page that marks read-only fields and lists this one under the
            // request still gets its flag compared.
            !hidden || (page_marks && docs_has(path))
        })
        .map(|(p, f)| (p.clone(), f.clone()))
        .collect();
    match docs {
        Fields::Paths(docs_paths) => {
            let mut docs_paths = docs_paths.clone();
            if !page_marks {
                docs_paths.retain(|path, _| {
                    let skip = read_only.contains_key(path) && !spec_paths.contains_key(path);
                    if skip {
                        diff.add(
                            "read-only-in-request",
                            Severity::Info,
                            format!("{prefix}.{path}"),
                            Some("read-only".into()),
                            Some("listed under the request".into()),
                        );
                    }
                    !skip
                });
            }
            compare_paths(diff, prefix, &spec_paths, &docs_paths)
        }
        Fields::Flat(flat) => {
            let mut flat = flat.clone();
            // Before read-only fields are set aside, so a renamed read-only
            // object is set aside with them.
            pair_renamed_schemas(diff, prefix, every_spec_path, &mut flat);
            let hidden: Vec<(&String, &Field)> = read_only
                .iter()
                .filter(|(p, _)| !spec_paths.contains_key(*p))
                .collect();
            let read_only_leaves: BTreeSet<&str> = hidden
                .iter()
                .map(|(p, _)| p.rsplit('.').next().unwrap_or(p))
                .collect();
            let read_only_schemas: BTreeSet<&String> = hidden
                .iter()
                .filter_map(|(_, f)| f.schema.as_ref())
                .collect();
            // A read-only field of a name the request also has elsewhere
            // (scheduledProvisioning.servicePlanId beside
            // smsConfiguration.servicePlanId) takes its occurrence with it.
            for (path, _) in &hidden {
                let leaf = path.rsplit('.').next().unwrap_or(path);
                let visible = spec_paths
                    .keys()
                    .filter(|p| p.rsplit('.').next() == Some(leaf))
                    .count();
                if let Some(shown) = flat.names.get_mut(leaf) {
                    if shown.len() > visible && visible > 0 {
                        shown.pop();
                    }
                }
            }
            flat.names.retain(|name, _| {
                let spec_has = spec_paths
                    .keys()
                    .any(|p| p.rsplit('.').next() == Some(name.as_str()));
                spec_has || !read_only_leaves.contains(name.as_str())
            });
            flat.schemas.retain(|schema, _| {
                let spec_has = spec_paths
                    .values()
                    .any(|f| f.schema.as_ref() == Some(schema));
                spec_has || !read_only_schemas.contains(schema)
            });
            compare_flat(diff, prefix, &spec_paths, &flat)
        }
    }
}

/// Schema names are not on the wire: a page schema the spec does not use
/// in a body is taken as the spec schema the page does not show there when
/// the pairing is unambiguous (one candidate each way), both are shown the
/// same way (object or array of objects), and the page shows the pair's
/// fields agree: below a line that shows the schema, the names listed are
/// first fields of the spec's schema (at least one somewhere), then only
/// fields of the objects around it (the page does not show where an
/// object ends). The proof may come from another body of the
/// same page (`proven`), as a page names one component the same everywhere
/// and collapses it in places (list items). A changed field set is still
/// drift: the pairing fails, or the field rules report the change.
fn renamed_schemas(
    spec: &BTreeMap<String, Field>,
    flat: &FlatFields,
    proven: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    // The names of the fields directly below `path` ("": the body's own).
    let children = |path: &str| -> BTreeSet<&str> {
        let below = if path.is_empty() {
            String::new()
        } else {
            format!("{path}.")
        };
        spec.keys()
            .filter_map(|p| p.strip_prefix(below.as_str()))
            .filter(|rest| !rest.is_empty() && !rest.contains('.'))
            .collect()
    };
    // Per spec schema: how it is shown, the names of its own fields, and
    // those of the objects around it.
    let mut spec_schemas: SchemaFields<'_> = BTreeMap::new();
    for (path, field) in spec {
        let Some(schema) = &field.schema else {
            continue;
        };
        let entry = spec_schemas.entry(schema).or_default();
        entry.0.extend(field.ty);
        entry.1.extend(children(path));
        entry.2.extend(children(""));
        for outer in ancestors(path) {
            entry.2.extend(children(outer));
        }
    }
    let unshown: Vec<&String> = spec_schemas
        .keys()
        .copied()
        .filter(|s| !flat.schemas.contains_key(*s))
        .collect();
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (page_schema, shown_as) in &flat.schemas {
        if spec_schemas.contains_key(page_schema) {
            continue;
        }
        let lines = flat.heads.get(page_schema).map_or(&[][..], Vec::as_slice);
        let candidates: Vec<&String> = unshown
            .iter()
            .copied()
            .filter(|s| {
                let (tys, own, around) = &spec_schemas[s];
                // Per line: how many of its first names are the schema's own,
                // and whether all the rest are fields around it.
                let fits = |names: &Vec<String>| {
                    let mine = names
                        .iter()
                        .take_while(|n| own.contains(n.as_str()))
                        .count();
                    let rest_around = names[mine..].iter().all(|n| around.contains(n.as_str()));
                    (mine, rest_around)
                };
                let same_fields = lines.iter().all(|names| fits(names).1)
                    && lines.iter().any(|names| fits(names).0 > 0);
                !tys.is_disjoint(shown_as) && (same_fields || proven.get(page_schema) == Some(*s))
            })
            .collect();
        if let [spec_schema] = candidates[..] {
            pairs.push((page_schema.clone(), spec_schema.clone()));
        }
    }
    // Two page schemas taken for one spec schema: neither is paired.
    let taken = |s: &String| pairs.iter().filter(|(_, t)| t == s).count();
    pairs
        .iter()
        .filter(|(_, s)| taken(s) == 1)
        .cloned()
        .collect()
}

/// Per spec schema: how it is shown, the names of its own fields, and the
/// names of the fields of the objects around it.
type SchemaFields<'a> = BTreeMap<
    &'a String,
    (
        BTreeSet<super::model::Ty>,
        BTreeSet<&'a str>,
        BTreeSet<&'a str>,
    ),
>;

/// Renames shown in some body of the page, each page schema paired with
/// one spec schema wherever it is shown with fields.
fn proven_renames<'a>(
    spec: &'a Api,
    page: &Api,
    find: impl Fn(&OpKey) -> Option<&'a OpKey>,
) -> BTreeMap<String, String> {
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, docs_op) in &page.operations {
        let Some(spec_op) = find(key).map(|k| &spec.operations[k]) else {
            continue;
        };
        let mut bodies = vec![(spec_op.request.as_ref(), docs_op.request.as_ref())];
        for (status, response) in &docs_op.responses {
            let spec_body = spec_op
                .responses
                .get(status)
                .and_then(|r| r.fields.as_ref());
            bodies.push((spec_body, response.fields.as_ref()));
        }
        for pair in bodies {
            if let (Some(Fields::Paths(spec_paths)), Some(Fields::Flat(flat))) = pair {
                for (page_schema, spec_schema) in
                    renamed_schemas(spec_paths, flat, &BTreeMap::new())
                {
                    seen.entry(page_schema).or_default().insert(spec_schema);
                }
            }
        }
    }
    seen.into_iter()
        .filter(|(_, specs)| specs.len() == 1)
        .filter_map(|(page_schema, specs)| Some((page_schema, specs.into_iter().next()?)))
        .collect()
}

/// Compares renamed page schemas as the spec's (see [`renamed_schemas`]),
/// each reported for information.
fn pair_renamed_schemas(
    diff: &mut Diff<'_>,
    prefix: &str,
    spec: &BTreeMap<String, Field>,
    flat: &mut FlatFields,
) {
    for (page_schema, spec_schema) in renamed_schemas(spec, flat, &diff.renames) {
        if let Some(shown_as) = flat.schemas.remove(&page_schema) {
            flat.schemas.insert(spec_schema.clone(), shown_as);
        }
        if let Some(heads) = flat.heads.remove(&page_schema) {
            flat.heads.insert(spec_schema.clone(), heads);
        }
        diff.add(
            "schema-renamed",
            Severity::Info,
            format!("{prefix}.object({spec_schema})"),
            Some(spec_schema.clone()),
            Some(format!(
                "{page_schema}, with fields of {spec_schema} on this page: compared as {spec_schema}"
            )),
        );
    }
}

/// Formats differ (only where the page shows formats: a bare `string` there
/// means no format).
fn compare_format(diff: &mut Diff<'_>, location: &str, s: &Field, d: &Field) {
    if diff.kind.shows_formats() && d.ty.is_some() && d.ty == s.ty && d.format != s.format {
        diff.add(
            "format-differs",
            Severity::Error,
            location,
            Some(s.format.clone().unwrap_or_else(|| "no format".into())),
            Some(d.format.clone().unwrap_or_else(|| "no format".into())),
        );
    }
}

fn compare_field(diff: &mut Diff<'_>, location: &str, s: &Field, d: &Field) {
    // In a request body, fields read-only on both sides are the server's
    // business: only their flag is compared.
    if location.starts_with("request.") && s.read_only && d.read_only {
        return;
    }
    match d.ty {
        None => diff.add(
            "type-not-shown",
            Severity::Info,
            location,
            Some(describe(s)),
            Some(describe(d)),
        ),
        Some(ty) if Some(ty) != s.ty => diff.add(
            "field-type-differs",
            Severity::Error,
            location,
            Some(describe(s)),
            Some(describe(d)),
        ),
        Some(_) => {}
    }
    if d.required != s.required {
        diff.add(
            "field-required-differs",
            Severity::Error,
            location,
            Some(describe(s)),
            Some(describe(d)),
        );
    }
    if diff.kind.shows_read_only() && d.read_only != s.read_only {
        diff.add(
            "read-only-differs",
            Severity::Error,
            location,
            Some(describe(s)),
            Some(describe(d)),
        );
    }
    compare_format(diff, location, s, d);
    compare_enum(diff, location, &s.enumeration, &d.enumeration);
}

fn compare_paths(
    diff: &mut Diff<'_>,
    prefix: &str,
    spec: &BTreeMap<String, Field>,
    docs: &BTreeMap<String, Field>,
) {
    let mut missing_in_docs = BTreeSet::new();
    for path in keys(spec, docs) {
        let location = format!("{prefix}.{path}");
        match (spec.get(path), docs.get(path)) {
            (None, Some(d)) => diff.add(
                "field-missing-in-spec",
                Severity::Error,
                location,
                None,
                Some(describe(d)),
            ),
            (Some(_), None) => {
                missing_in_docs.insert(path.as_str());
            }
            (Some(s), Some(d)) => compare_field(diff, &location, s, d),
            (None, None) => {}
        }
    }
    report_missing_in_docs(diff, prefix, spec, &missing_in_docs);
}

/// Reports spec fields the page lacks, once per missing subtree: a missing
/// object stands for its nested fields.
fn report_missing_in_docs(
    diff: &mut Diff<'_>,
    prefix: &str,
    spec: &BTreeMap<String, Field>,
    missing: &BTreeSet<&str>,
) -> BTreeSet<String> {
    let mut reported = BTreeSet::new();
    for path in missing {
        if ancestors(path).any(|a| missing.contains(a)) {
            continue;
        }
        let nested = spec
            .keys()
            .filter(|p| p.starts_with(&format!("{path}.")))
            .count();
        let mut text = describe(&spec[*path]);
        if nested > 0 {
            text.push_str(&format!(" with {nested} nested fields"));
        }
        diff.add(
            "field-missing-in-docs",
            Severity::Warning,
            format!("{prefix}.{path}"),
            Some(text),
            None,
        );
        reported.insert((*path).to_owned());
    }
    reported
}

/// `a.b.c` -> `a.b`, `a`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .filter(|(_, c)| *c == '.')
        .map(move |(i, _)| &path[..i])
}

/// Against a page that only knows leaf names: a spec field matches a page
/// field of the same name anywhere in the body, and a nested object matches
/// an `object (Name)` line of its schema.
fn compare_flat(
    diff: &mut Diff<'_>,
    prefix: &str,
    spec: &BTreeMap<String, Field>,
    docs: &FlatFields,
) {
    let mut by_leaf: BTreeMap<&str, Vec<(&String, &Field)>> = BTreeMap::new();
    for (path, field) in spec {
        by_leaf
            .entry(path.rsplit('.').next().unwrap_or(path))
            .or_default()
            .push((path, field));
    }
    for (name, docs_fields) in &docs.names {
        let location = format!("{prefix}.{name}");
        let Some(spec_fields) = by_leaf.get(name.as_str()) else {
            let described: Vec<_> = docs_fields.iter().map(describe).collect();
            diff.add(
                "field-missing-in-spec",
                Severity::Error,
                location,
                None,
                Some(described.join("; ")),
            );
            continue;
        };
        // More fields of this name than the spec has: one is new, in some
        // nested object (the page does not say which).
        if docs_fields.len() > spec_fields.len() {
            diff.add(
                "field-missing-in-spec",
                Severity::Error,
                location.clone(),
                Some(format!("{} field(s) of that name", spec_fields.len())),
                Some(format!("{} field(s) of that name", docs_fields.len())),
            );
        }
        // Pair each page occurrence with a spec field of the same type if there is one.
        for d in docs_fields {
            let best = spec_fields
                .iter()
                .find(|(_, s)| d.ty.is_none() || s.ty == d.ty)
                .unwrap_or(&spec_fields[0]);
            let location = if spec_fields.len() == 1 {
                format!("{prefix}.{}", best.0)
            } else {
                location.clone()
            };
            compare_field(diff, &location, best.1, d);
        }
    }
    let shown = |path: &str, field: &Field| {
        let leaf = path.rsplit('.').next().unwrap_or(path);
        docs.names.contains_key(leaf)
            || field
                .schema
                .as_ref()
                .is_some_and(|s| docs.schemas.contains_key(s))
    };
    let missing: BTreeSet<&str> = spec
        .iter()
        .filter(|(p, f)| !shown(p, f))
        .map(|(p, _)| p.as_str())
        .collect();
    let reported = report_missing_in_docs(diff, prefix, spec, &missing);
    let covered =
        |path: &str| reported.contains(path) || ancestors(path).any(|a| reported.contains(a));
    for (schema, shown_as) in &docs.schemas {
        let uses: Vec<&Field> = spec
            .values()
            .filter(|f| f.schema.as_ref() == Some(schema))
            .collect();
        if uses.is_empty() {
            diff.add(
                "schema-missing-in-spec",
                Severity::Error,
                format!("{prefix}.object({schema})"),
                None,
                Some(format!("object ({schema})")),
            );
            continue;
        }
        // `Array of objects (X)` where the spec has one X, or the reverse.
        let spec_tys: BTreeSet<_> = uses.iter().filter_map(|f| f.ty).collect();
        if spec_tys.is_disjoint(shown_as) {
            let show = |tys: &BTreeSet<super::model::Ty>| {
                tys.iter()
                    .map(|t| format!("{t} ({schema})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            diff.add(
                "field-type-differs",
                Severity::Error,
                format!("{prefix}.object({schema})"),
                Some(show(&spec_tys)),
                Some(show(shown_as)),
            );
        }
    }
    let mut unshown: BTreeMap<&String, Vec<&str>> = BTreeMap::new();
    for (path, field) in spec {
        if let Some(schema) = &field.schema {
            if !docs.schemas.contains_key(schema) && !covered(path) {
                unshown.entry(schema).or_default().push(path);
            }
        }
    }
    for (schema, paths) in unshown {
        diff.add(
            "schema-missing-in-docs",
            Severity::Warning,
            format!("{prefix}.object({schema})"),
            Some(format!("at {}", paths.join(", "))),
            None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_method_belongs_to_its_collection() {
        assert_eq!(
            collection("/v1/projects/{}/hostingOrders:importNumbers"),
            "/v1/projects/{}/hostingOrders"
        );
        assert_eq!(
            collection("/v1/projects/{}/qualifiedNumbers/{}:sendVoiceChallenge"),
            "/v1/projects/{}/qualifiedNumbers"
        );
        assert_eq!(
            collection("/v1/projects/{}/importedNumbers/{}"),
            "/v1/projects/{}/importedNumbers"
        );
    }

    #[test]
    fn a_new_custom_method_on_a_known_collection_is_missing_in_the_spec() {
        let mut spec = Api::new(Kind::Spec);
        spec.operations.insert(
            OpKey::new(
                "post",
                "/v1/projects/{projectId}/hostingOrders:importNumbers",
            ),
            Operation::default(),
        );
        // A page that names no servers and has one operation the spec lacks.
        let mut page = Api::new(Kind::Markdown);
        page.operations.insert(
            OpKey::new("post", "/v1/projects/{projectId}/hostingOrders:cancel"),
            Operation::default(),
        );
        let found = compare(&spec, &page, "cancel.md");
        assert_eq!(found[0].location, "operation");
        let rules: Vec<&str> = found.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["operation-missing-in-spec"]);
    }

    #[test]
    fn repairs_are_reported_as_information() {
        let spec = Api::new(Kind::Spec);
        let mut page = Api::new(Kind::OpenApi);
        page.operations
            .insert(OpKey::new("get", "/v1/x"), Operation::default());
        page.repairs
            .push("/components/schemas/X/properties/allOf".into());
        let found = compare(&spec, &page, "vendor.yaml");
        let repaired = found
            .iter()
            .find(|f| f.rule == "document-repaired")
            .expect("reported");
        assert_eq!(repaired.location, "/components/schemas/X/properties/allOf");
        assert!(!repaired.is_drift());
    }
}
