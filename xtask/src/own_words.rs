//! A check that the spec's prose is ours: no sentence of a `description` in
//! the spec may be one that the saved vendor documents under
//! `openapi/vendor-docs/` already contain.
//!
//! Names, types, enum values and examples are facts and may match the vendor's;
//! sentences of six words or more are prose, and those must be written anew.

use serde_json::Value;

/// A sentence shorter than this many words is too short to call a copy.
pub const MIN_WORDS: usize = 6;

/// Lowercases `text` and folds every run of whitespace into one space.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Splits a description into sentences: at `.`, `!` or `?` followed by
/// whitespace, and at line breaks that start a list item. Each sentence comes
/// back normalised and without its closing punctuation.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for block in text.split("\n*").flat_map(|b| b.split("\n-")) {
        let chars: Vec<char> = block.chars().collect();
        let mut start = 0;
        for i in 0..chars.len() {
            let ends = matches!(chars[i], '.' | '!' | '?')
                && chars.get(i + 1).is_none_or(|c| c.is_whitespace());
            if ends {
                out.push(chars[start..i].iter().collect::<String>());
                start = i + 1;
            }
        }
        out.push(chars[start..].iter().collect::<String>());
    }
    out.iter()
        .map(|s| normalise(s.trim_matches(|c: char| c.is_whitespace() || c == '*')))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Every `description` string in a parsed YAML or JSON document, with the
/// JSON pointer of the object that holds it.
pub fn descriptions(node: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get("description") {
                out.push((
                    if at.is_empty() { "/" } else { at }.to_owned(),
                    text.clone(),
                ));
            }
            for (key, child) in map {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                descriptions(child, &format!("{at}/{escaped}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                descriptions(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The sentences of `spec`'s descriptions (of [`MIN_WORDS`] words or more)
/// that `vendor` (already normalised) contains, as `(pointer, sentence)`.
pub fn copied_sentences(spec: &Value, vendor: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    descriptions(spec, "", &mut found);
    let mut copied = Vec::new();
    for (at, text) in found {
        for sentence in sentences(&text) {
            if sentence.split(' ').count() >= MIN_WORDS && vendor.contains(&sentence) {
                copied.push((at.clone(), sentence));
            }
        }
    }
    copied
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::SPEC_PATH;
    use crate::workspace_root;

    /// All saved vendor documents, concatenated and normalised.
    fn vendor_text() -> String {
        let dir = workspace_root().join("openapi/vendor-docs");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .expect("openapi/vendor-docs exists")
            .map(|e| e.expect("readable entry").path())
            .collect();
        names.sort();
        assert!(
            !names.is_empty(),
            "no vendor documents in {}",
            dir.display()
        );
        let mut all = String::new();
        for name in names {
            all.push_str(&std::fs::read_to_string(&name).expect("vendor document is UTF-8"));
            all.push('\n');
        }
        normalise(&all)
    }

    #[test]
    fn no_description_in_the_spec_repeats_a_vendor_sentence() {
        let text = std::fs::read_to_string(workspace_root().join(SPEC_PATH)).expect("spec");
        let spec: Value = serde_yaml::from_str(&text).expect("spec is YAML");
        let copied = copied_sentences(&spec, &vendor_text());
        let listing: Vec<String> = copied
            .iter()
            .map(|(at, sentence)| format!("  {at}: \"{sentence}\""))
            .collect();
        assert!(
            copied.is_empty(),
            "{} description sentence(s) of {SPEC_PATH} are copied from openapi/vendor-docs/; \
             write them in our own words:\n{}",
            copied.len(),
            listing.join("\n")
        );
    }

    #[test]
    fn a_copied_sentence_is_found_whatever_its_case_and_spacing() {
        let spec: Value = serde_json::json!({
            "info": { "description": "Ours, short.  The MAXIMUM number of items\n  to return, server can cap it." },
            "x": [{ "description": "Five words only here now." }]
        });
        let vendor = normalise(
            "Blah. The maximum number of items to return, server can cap it. Five words only here now.",
        );
        let copied = copied_sentences(&spec, &vendor);
        assert_eq!(
            copied,
            vec![(
                "/info".to_owned(),
                "the maximum number of items to return, server can cap it".to_owned()
            )]
        );
    }

    #[test]
    fn sentences_split_at_stops_and_list_items_but_not_inside_words() {
        assert_eq!(
            sentences("E.164 with a +. Second one!\n* item one\n* item two"),
            vec!["e.164 with a +", "second one", "item one", "item two"]
        );
    }
}
