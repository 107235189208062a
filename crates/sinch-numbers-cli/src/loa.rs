//! The letter of authorization (LOA) of `text-enable`, from a small TOML or
//! JSON file (`--loa FILE`, by its extension), from flags (`--loa-type` and
//! the detail flags), or the blanket letter on file (`--blanket-loa`).
//!
//! Everything is checked before anything is sent, by the SDK's own check
//! ([`Loa::check`]); a refusal names the key of the file or the flag the
//! person wrote, and the file. A key the file should not have (a typo, a
//! detail of another kind of letter) is an error, never ignored.

use std::path::Path;

use serde::Deserialize;
use sinch_imported_numbers::hosting_orders::{
    Address, AuthorisedPerson, DirectLoa, Loa, ResellerLoa, TollFreeLoa,
};
use sinch_imported_numbers::{InputError, Setting};

use crate::args::{LoaFlags, LoaKind, TextEnableArgs};
use crate::failure::Failure;

/// The largest letter file read: a letter is a few hundred bytes.
const MAX_FILE_BYTES: u64 = 64 * 1024;

/// The kinds of letter a file can name.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum FileKind {
    Direct,
    Reseller,
    Blanket,
}

/// A letter file: every key optional here, so that a missing one is named
/// by the same check as a blank one.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoaFile {
    #[serde(rename = "type")]
    kind: Option<FileKind>,
    business_name: Option<String>,
    signer_first_name: Option<String>,
    signer_last_name: Option<String>,
    signer_email: Option<String>,
    building_number: Option<String>,
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    current_voice_carrier: Option<String>,
    nnid: Option<String>,
}

/// The parts of a direct or reseller letter, wherever they came from.
struct Details {
    business_name: Option<String>,
    signer_first_name: Option<String>,
    signer_last_name: Option<String>,
    signer_email: Option<String>,
    building_number: Option<String>,
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    current_voice_carrier: Option<String>,
}

impl Details {
    fn from_flags(flags: &LoaFlags) -> Self {
        Details {
            business_name: flags.business_name.clone(),
            signer_first_name: flags.signer_first_name.clone(),
            signer_last_name: flags.signer_last_name.clone(),
            signer_email: flags.signer_email.clone(),
            building_number: flags.building_number.clone(),
            street: flags.street.clone(),
            city: flags.city.clone(),
            state: flags.state.clone(),
            postal_code: flags.postal_code.clone(),
            country: flags.country.clone(),
            current_voice_carrier: flags.current_voice_carrier.clone(),
        }
    }

    fn from_file(file: &LoaFile) -> Self {
        Details {
            business_name: file.business_name.clone(),
            signer_first_name: file.signer_first_name.clone(),
            signer_last_name: file.signer_last_name.clone(),
            signer_email: file.signer_email.clone(),
            building_number: file.building_number.clone(),
            street: file.street.clone(),
            city: file.city.clone(),
            state: file.state.clone(),
            postal_code: file.postal_code.clone(),
            country: file.country.clone(),
            current_voice_carrier: file.current_voice_carrier.clone(),
        }
    }

    /// The file keys of the parts that were given.
    fn given(&self) -> Vec<&'static str> {
        [
            ("business_name", &self.business_name),
            ("signer_first_name", &self.signer_first_name),
            ("signer_last_name", &self.signer_last_name),
            ("signer_email", &self.signer_email),
            ("building_number", &self.building_number),
            ("street", &self.street),
            ("city", &self.city),
            ("state", &self.state),
            ("postal_code", &self.postal_code),
            ("country", &self.country),
            ("current_voice_carrier", &self.current_voice_carrier),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| k)
        .collect()
    }

    fn person(&self) -> AuthorisedPerson {
        AuthorisedPerson::new(
            text(&self.signer_first_name),
            text(&self.signer_last_name),
            text(&self.signer_email),
        )
    }

    fn address(&self) -> Address {
        Address::new(
            text(&self.building_number),
            text(&self.street),
            text(&self.city),
            text(&self.state),
            text(&self.postal_code),
            text(&self.country),
        )
    }

    fn direct(&self) -> Loa {
        Loa::Direct(DirectLoa::new(
            self.person(),
            self.address(),
            text(&self.current_voice_carrier),
        ))
    }

    fn reseller(&self) -> Loa {
        Loa::Reseller(ResellerLoa::new(
            text(&self.business_name),
            self.person(),
            self.address(),
            text(&self.current_voice_carrier),
        ))
    }
}

/// A part as given (absent: empty, which the check names as missing).
fn text(part: &Option<String>) -> String {
    part.clone().unwrap_or_default()
}

/// The letter a `text-enable` run is made under, checked.
#[derive(Debug)]
pub struct Letter {
    /// The letter.
    pub loa: Loa,
    /// The NNID, from `--nnid` or the file.
    pub nnid: Option<String>,
    /// Where the letter is e-mailed for signature (none for a blanket one).
    pub signer_email: Option<String>,
}

impl Letter {
    /// The letter for toll-free numbers, which take no blanket letter.
    pub fn toll_free(&self) -> Result<TollFreeLoa, Failure> {
        match &self.loa {
            Loa::Direct(l) => Ok(TollFreeLoa::Direct(l.clone())),
            Loa::Reseller(l) => Ok(TollFreeLoa::Reseller(l.clone())),
            _ => Err(
                Failure::usage("toll-free numbers take no blanket letter of authorization")
                    .hint("give a direct or reseller letter (--loa FILE or --loa-type)"),
            ),
        }
    }

    /// The letter in words, for a dry run and the closing lines.
    pub fn describe(&self) -> String {
        match (&self.loa, &self.signer_email) {
            (Loa::Direct(_), Some(email)) => {
                format!("a direct letter of authorization, e-mailed to {email} to sign")
            }
            (Loa::Reseller(_), Some(email)) => {
                format!("a reseller letter of authorization, e-mailed to {email} to sign")
            }
            _ => "the blanket letter of authorization on file (nothing to sign)".to_owned(),
        }
    }
}

/// Where a letter came from: named in every refusal about it.
enum Source<'a> {
    File(&'a Path),
    Flags,
}

impl Source<'_> {
    /// The name the person used for a part: the file key or the flag.
    fn name(&self, key: &str) -> String {
        match self {
            Source::File(_) => key.to_owned(),
            Source::Flags => format!("--{}", key.replace('_', "-")),
        }
    }

    fn refuse(&self, message: String) -> Failure {
        match self {
            Source::File(path) => Failure::usage(format!(
                "letter of authorization file {}: {message}",
                path.display()
            )),
            Source::Flags => Failure::usage(format!("letter of authorization: {message}")),
        }
    }
}

/// The file key (and, with `--`, the flag) of a part the SDK names by its
/// wire path.
fn key_of(part: &str) -> Option<&'static str> {
    Some(match part {
        "businessName" => "business_name",
        "authorisedPerson.firstName" => "signer_first_name",
        "authorisedPerson.lastName" => "signer_last_name",
        "authorisedPerson.email" => "signer_email",
        "address.buildingNumber" => "building_number",
        "address.street" => "street",
        "address.city" => "city",
        "address.state" => "state",
        "address.postalCode" => "postal_code",
        "address.country" => "country",
        "currentVoiceCarrier" => "current_voice_carrier",
        _ => return None,
    })
}

/// The letter of `args`: from `--loa FILE`, `--blanket-loa` or the flags;
/// checked, with every refusal naming the part and where it came from.
pub fn letter(args: &TextEnableArgs) -> Result<Letter, Failure> {
    let (kind, details, nnid, source) = if let Some(path) = &args.loa {
        let source = Source::File(path);
        // The file holds the whole letter: a detail flag beside it would
        // not be used, so it is refused rather than dropped.
        let flags = Details::from_flags(&args.letter).given();
        if !flags.is_empty() {
            let named: Vec<String> = flags.iter().map(|k| Source::Flags.name(k)).collect();
            let (are, them) = if named.len() == 1 {
                ("is", "that flag")
            } else {
                ("are", "those flags")
            };
            return Err(source
                .refuse(format!(
                    "{} {are} given too, but the letter comes from the file: give the letter \
                     in one place",
                    named.join(", ")
                ))
                .hint(format!(
                    "put the value in the file and leave out {them}, or leave out --loa and \
                     give the whole letter by flags (--loa-type with the letter's flags)"
                )));
        }
        let file = read(path)?;
        let Some(kind) = file.kind else {
            return Err(source.refuse(
                "`type` is missing: write type = \"direct\", \"reseller\" or \"blanket\"".into(),
            ));
        };
        let nnid = match (&file.nnid, &args.nnid) {
            (Some(_), Some(_)) => {
                return Err(source
                    .refuse("`nnid` is in the file and --nnid is given: give one of them".into()))
            }
            (from_file, from_flag) => from_file.clone().or_else(|| from_flag.clone()),
        };
        (kind, Details::from_file(&file), nnid, source)
    } else if args.blanket_loa {
        (
            FileKind::Blanket,
            Details::from_flags(&args.letter),
            args.nnid.clone(),
            Source::Flags,
        )
    } else {
        let kind = match args.letter.loa_type {
            Some(LoaKind::Direct) => FileKind::Direct,
            Some(LoaKind::Reseller) => FileKind::Reseller,
            None => {
                return Err(Failure::usage("no letter of authorization given")
                    .hint("pass --loa FILE, --blanket-loa or --loa-type with the letter's flags"))
            }
        };
        (
            kind,
            Details::from_flags(&args.letter),
            args.nnid.clone(),
            Source::Flags,
        )
    };
    let given = details.given();
    let loa = match kind {
        FileKind::Blanket => {
            if let Some(first) = given.first() {
                return Err(source.refuse(format!(
                    "{} is given, but a blanket letter has no details: remove it, or use a \
                     direct or reseller letter",
                    source.name(first)
                )));
            }
            Loa::Blanket
        }
        FileKind::Direct => {
            if details.business_name.is_some() {
                return Err(source.refuse(format!(
                    "{} is given, but only a reseller letter has one: remove it, or make the \
                     letter a reseller one",
                    source.name("business_name")
                )));
            }
            details.direct()
        }
        FileKind::Reseller => details.reseller(),
    };
    loa.check().map_err(|e| refusal(&source, &e))?;
    let signer_email = loa.needs_signature().then(|| text(&details.signer_email));
    Ok(Letter {
        loa,
        nnid,
        signer_email,
    })
}

/// The SDK's refusal of a letter, naming the part as the person wrote it.
fn refusal(source: &Source<'_>, error: &InputError) -> Failure {
    let named = match error.setting() {
        Some(Setting::LetterOfAuthorization(part)) => key_of(part).map(|k| source.name(k)),
        _ => None,
    };
    match named {
        Some(name) => source.refuse(format!("{name}: {error}")),
        None => source.refuse(error.to_string()),
    }
}

/// Reads and parses a letter file, TOML or JSON by its extension.
fn read(path: &Path) -> Result<LoaFile, Failure> {
    let refuse = |why: String| {
        Failure::usage(format!(
            "letter of authorization file {}: {why}",
            path.display()
        ))
    };
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let toml = match extension.as_deref() {
        Some("toml") => true,
        Some("json") => false,
        _ => {
            return Err(refuse("the name must end in .toml or .json".into())
                .hint("the extension says how the file is read"))
        }
    };
    let metadata = std::fs::metadata(path).map_err(|e| refuse(format!("cannot read it: {e}")))?;
    if metadata.is_dir() {
        return Err(refuse("is a directory, not a file".into()));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(refuse(format!(
            "is {} bytes; a letter file is a few hundred",
            metadata.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| refuse(format!("cannot read it: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| refuse(format!("is not UTF-8 text ({e}); save it as UTF-8")))?;
    // A byte order mark is not part of the text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let parsed = if toml {
        toml::from_str::<LoaFile>(text).map_err(|e| {
            // The error's own text draws the line in several lines; one
            // line names where instead.
            let at = e.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!("line {line}, column {column}: ")
            });
            format!("{}{}", at.unwrap_or_default(), e.message().trim_end())
        })
    } else {
        serde_json::from_str::<LoaFile>(text).map_err(|e| e.to_string())
    };
    parsed.map_err(|why| {
        refuse(format!(
            "is not a letter this tool reads: {}",
            why.trim_end()
        ))
        .hint(
            "keys: type (direct, reseller, blanket), business_name, signer_first_name, \
             signer_last_name, signer_email, building_number, street, city, state, \
             postal_code, country, current_voice_carrier, nnid; every value is text in quotes",
        )
    })
}
