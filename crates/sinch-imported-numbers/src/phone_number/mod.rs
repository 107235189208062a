//! Validated E.164 phone numbers.
//!
//! [`PhoneNumber`] only exists when its text is a valid E.164 number, so every
//! facade method can take one and never send a malformed number to Sinch.
//! Numbers under country code 1 must also satisfy the North American Numbering
//! Plan (NANP): area code and exchange of the form `[2-9]XX`, neither an `N11`
//! service code. Whether the area code is in service is information
//! ([`PhoneNumber::area_code_in_service`]), never a reason to refuse: new
//! area codes open every year, and a table of them goes stale. Parsing is allocation-free until
//! the final value is built, which keeps it far cheaper than a full
//! libphonenumber port.

mod nanp;

pub use nanp::AREA_CODE_TABLE;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// E.164 allows at most 15 digits, country code included.
const MAX_DIGITS: usize = 15;
/// The shortest numbers in service (e.g. some Pacific islands) have 7 digits
/// with their country code; anything shorter is certainly a typo.
const MIN_DIGITS: usize = 7;

/// Regions the Imported Numbers API supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Region {
    /// United States.
    Us,
    /// Canada.
    Ca,
}

impl Region {
    /// The ISO 3166-1 alpha-2 code the API uses (`"US"`, `"CA"`).
    pub fn code(self) -> &'static str {
        match self {
            Region::Us => "US",
            Region::Ca => "CA",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Region {
    type Err = RegionError;

    /// `US` or `CA`, in either case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "US" | "us" | "Us" => Ok(Region::Us),
            "CA" | "ca" | "Ca" => Ok(Region::Ca),
            _ => Err(RegionError(s.to_owned())),
        }
    }
}

/// A region code that is not one the Imported Numbers API supports.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("region {0:?} is not supported; the Imported Numbers API supports US and CA")]
pub struct RegionError(String);

impl RegionError {
    /// The text that was given.
    pub fn input(&self) -> &str {
        &self.0
    }
}

/// What is wrong with a phone number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneNumberError {
    /// Nothing but whitespace or separators was given.
    #[error("phone number is empty")]
    Empty,
    /// E.164 requires the leading `+`.
    #[error("phone number must start with '+' and the country code (E.164), e.g. +12065550134")]
    MissingPlus,
    /// A character that is neither a digit nor an accepted separator.
    #[error("phone number has an invalid character {character:?} at byte {position}")]
    InvalidCharacter {
        /// The offending character.
        character: char,
        /// Its byte offset in the input.
        position: usize,
    },
    /// Country codes never start with 0.
    #[error("country code cannot start with 0")]
    CountryCodeStartsWithZero,
    /// Fewer digits than any number in service.
    #[error("phone number has {digits} digits; at least {MIN_DIGITS} are needed")]
    TooShort {
        /// How many digits were found.
        digits: usize,
    },
    /// More digits than E.164 allows.
    #[error("phone number has {digits} digits; E.164 allows at most {MAX_DIGITS}")]
    TooLong {
        /// How many digits were found.
        digits: usize,
    },
    /// A `+1` number that is not 1 + 10 digits.
    #[error("a +1 (NANP) number needs 10 digits after the country code, found {digits}")]
    NanpLength {
        /// How many digits followed the `1`.
        digits: usize,
    },
    /// NANP area codes are `[2-9]XX`.
    #[error("area code {area_code} is invalid: NANP area codes start with 2-9")]
    AreaCodeStart {
        /// The three-digit area code.
        area_code: String,
    },
    /// `N11` codes (211, 411, 911, ...) are service codes, not area codes.
    #[error("area code {area_code} is an N11 service code, not an area code")]
    AreaCodeIsServiceCode {
        /// The three-digit area code.
        area_code: String,
    },
    /// NANP exchanges are `[2-9]XX`.
    #[error("exchange {exchange} is invalid: NANP exchanges start with 2-9")]
    ExchangeStart {
        /// The three-digit exchange (central office code).
        exchange: String,
    },
    /// `N11` exchanges are reserved for service codes.
    #[error("exchange {exchange} is an N11 service code")]
    ExchangeIsServiceCode {
        /// The three-digit exchange (central office code).
        exchange: String,
    },
}

/// A valid E.164 phone number such as `+12065550134`.
///
/// Build one with [`PhoneNumber::parse`] (strict E.164) or
/// [`PhoneNumber::parse_with_region`] (common human forms such as
/// `(206) 555-0134`). Serde reads and writes it as the E.164 string.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(Box<str>);

/// Up to 15 digits collected from the input without allocating.
struct Digits {
    buf: [u8; MAX_DIGITS],
    len: usize,
    /// How many digits the input had in total (may exceed 15).
    seen: usize,
}

impl Digits {
    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl PhoneNumber {
    /// Parses a number in strict E.164 form: `+` then digits only. Every
    /// separator is refused, spaces of any kind included (the no-break space
    /// spreadsheets insert too); use [`parse_with_region`](Self::parse_with_region)
    /// for numbers as people write them.
    ///
    /// ```
    /// use sinch_imported_numbers::PhoneNumber;
    /// let n = PhoneNumber::parse("+12065550134")?;
    /// assert_eq!(n.as_str(), "+12065550134");
    /// assert!(PhoneNumber::parse("+1 206 555 0134").is_err());
    /// # Ok::<(), sinch_imported_numbers::PhoneNumberError>(())
    /// ```
    pub fn parse(input: &str) -> Result<Self, PhoneNumberError> {
        let Some(rest) = input.strip_prefix('+') else {
            return Err(if input.is_empty() {
                PhoneNumberError::Empty
            } else {
                PhoneNumberError::MissingPlus
            });
        };
        let digits = collect_digits(rest, 1, false)?;
        Self::from_international(&digits)
    }

    /// Parses the forms people write: `+1 206-555-0134`, `(206) 555-0134`,
    /// `206.555.0134`, `1-206-555-0134`. Whitespace of any kind (the
    /// no-break space and tabs included), `-`, `.`, `/` and parentheses are
    /// ignored. A number without `+` is read as a national number of
    /// `default_region`.
    ///
    /// ```
    /// use sinch_imported_numbers::{PhoneNumber, Region};
    /// let n = PhoneNumber::parse_with_region("(206) 555-0134", Region::Us)?;
    /// assert_eq!(n.as_str(), "+12065550134");
    /// # Ok::<(), sinch_imported_numbers::PhoneNumberError>(())
    /// ```
    pub fn parse_with_region(
        input: &str,
        default_region: Region,
    ) -> Result<Self, PhoneNumberError> {
        let trimmed = input.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
        if let Some(rest) = trimmed.strip_prefix('+') {
            let offset = input.len() - rest.len();
            let digits = collect_digits(rest, offset, true)?;
            return Self::from_international(&digits);
        }
        let digits = collect_digits(input, 0, true)?;
        match default_region {
            // US and CA share country code 1: national numbers are 10 digits,
            // optionally preceded by the trunk prefix 1.
            Region::Us | Region::Ca => {
                // (`collect_digits` refused an input without digits.)
                let national = match digits.as_slice() {
                    [b'1', rest @ ..] if digits.seen == 11 => rest,
                    all if digits.seen == 10 => all,
                    _ => {
                        return Err(PhoneNumberError::NanpLength {
                            digits: digits.seen,
                        })
                    }
                };
                check_nanp(national)?;
                Ok(Self::build(b"1", national))
            }
        }
    }

    /// A number the server sent: E.164 shape only (`+`, 7 to 15 digits, no
    /// leading 0). The NANP checks are left out on purpose: a number the
    /// server already holds is real even if its area code opened after this
    /// SDK's table was built, and refusing it would fail a whole listing.
    pub(crate) fn from_server(text: &str) -> Result<Self, PhoneNumberError> {
        let Some(rest) = text.strip_prefix('+') else {
            return Err(if text.is_empty() {
                PhoneNumberError::Empty
            } else {
                PhoneNumberError::MissingPlus
            });
        };
        let digits = collect_digits(rest, 1, false)?;
        match digits.as_slice().first() {
            None => Err(PhoneNumberError::Empty),
            Some(b'0') => Err(PhoneNumberError::CountryCodeStartsWithZero),
            Some(_) if digits.seen > MAX_DIGITS => Err(PhoneNumberError::TooLong {
                digits: digits.seen,
            }),
            Some(_) if digits.seen < MIN_DIGITS => Err(PhoneNumberError::TooShort {
                digits: digits.seen,
            }),
            Some(_) => Ok(Self::build(b"", digits.as_slice())),
        }
    }

    fn from_international(digits: &Digits) -> Result<Self, PhoneNumberError> {
        let all = digits.as_slice();
        match all.first() {
            None => return Err(PhoneNumberError::Empty),
            Some(b'0') => return Err(PhoneNumberError::CountryCodeStartsWithZero),
            Some(b'1') => {
                if digits.seen > MAX_DIGITS {
                    return Err(PhoneNumberError::TooLong {
                        digits: digits.seen,
                    });
                }
                check_nanp(&all[1..])?;
                return Ok(Self::build(b"1", &all[1..]));
            }
            Some(_) => {}
        }
        if digits.seen > MAX_DIGITS {
            return Err(PhoneNumberError::TooLong {
                digits: digits.seen,
            });
        }
        if digits.seen < MIN_DIGITS {
            return Err(PhoneNumberError::TooShort {
                digits: digits.seen,
            });
        }
        Ok(Self::build(b"", all))
    }

    fn build(prefix: &[u8], rest: &[u8]) -> Self {
        let mut text = String::with_capacity(1 + prefix.len() + rest.len());
        text.push('+');
        // Only ASCII digits ever reach here.
        text.extend(prefix.iter().chain(rest).map(|&d| d as char));
        Self(text.into_boxed_str())
    }

    /// The E.164 text, e.g. `+12065550134`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The phone number an answer about `what` (say "an imported number")
    /// carries: a body without one, or with one that is not E.164, is not
    /// such an answer, whatever its status, and reads as a `Decode` error.
    pub(crate) fn of_answer(what: &str, text: Option<&str>) -> crate::Result<PhoneNumber> {
        let text = text.unwrap_or_default();
        PhoneNumber::from_server(text).map_err(|e| {
            let why = if text.is_empty() {
                "has no phoneNumber".to_owned()
            } else {
                format!("has phoneNumber {text:?}, which is not E.164 ({e})")
            };
            crate::Error::new(
                crate::ErrorKind::Decode,
                format!("the server's answer is not {what}: it {why}"),
            )
        })
    }

    /// The digits after the `+`.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    /// Whether this is a North American (`+1`) number.
    pub fn is_nanp(&self) -> bool {
        self.0.starts_with("+1")
    }

    /// Whether the number's area code was in service when this SDK's table
    /// was taken (see [`AREA_CODE_TABLE`]): information only, since area
    /// codes come into service every year and the API accepts numbers in
    /// them; a well-formed number is never refused for it. `None` for
    /// numbers outside NANP.
    pub fn area_code_in_service(&self) -> Option<bool> {
        if !self.is_nanp() {
            return None;
        }
        let area = area_code(&self.0.as_bytes()[2..5]);
        Some(nanp::contains(nanp::IN_SERVICE, area))
    }

    /// Whether this is a North American toll-free number (area code 800,
    /// 833, 844, 855, 866, 877, 888, or one NANP keeps for toll-free use:
    /// 822, 880 to 887, 889).
    pub fn is_toll_free(&self) -> bool {
        self.is_nanp() && nanp::contains(nanp::TOLL_FREE, area_code(&self.0.as_bytes()[2..5]))
    }

    /// The supported region the number belongs to, inferred from its area
    /// code: `Some(Region::Ca)` for Canadian area codes, `Some(Region::Us)` for
    /// the other US and non-geographic ones, and `None` for numbers outside
    /// NANP or in NANP countries and territories with their own region code
    /// (Caribbean islands, Puerto Rico, Guam, ...), which the API does not support.
    pub fn region(&self) -> Option<Region> {
        if !self.is_nanp() {
            return None;
        }
        let area = area_code(&self.0.as_bytes()[2..5]);
        if nanp::contains(nanp::CANADA, area) {
            Some(Region::Ca)
        } else if nanp::contains(nanp::OTHER_REGIONS, area) {
            None
        } else {
            Some(Region::Us)
        }
    }
}

/// Collects the digits of `text`, rejecting anything else (separators too
/// unless `allow_separators`). `offset` is where `text` starts in the input,
/// so error positions point into what the user typed.
fn collect_digits(
    text: &str,
    offset: usize,
    allow_separators: bool,
) -> Result<Digits, PhoneNumberError> {
    let mut digits = Digits {
        buf: [0; MAX_DIGITS],
        len: 0,
        seen: 0,
    };
    for (i, c) in text.char_indices() {
        match c {
            '0'..='9' => {
                if digits.len < MAX_DIGITS {
                    digits.buf[digits.len] = c as u8;
                    digits.len += 1;
                }
                digits.seen += 1;
            }
            ' ' | '-' | '.' | '/' | '(' | ')' | '\u{a0}' if allow_separators => {}
            c if allow_separators && c.is_whitespace() => {}
            _ => {
                return Err(PhoneNumberError::InvalidCharacter {
                    character: c,
                    position: offset + i,
                })
            }
        }
    }
    if digits.seen == 0 {
        return Err(PhoneNumberError::Empty);
    }
    Ok(digits)
}

/// Three ASCII digits as a number.
fn area_code(digits: &[u8]) -> u16 {
    digits.iter().fold(0, |n, d| n * 10 + u16::from(d - b'0'))
}

/// NANP rules for the 10 digits after country code 1.
fn check_nanp(national: &[u8]) -> Result<(), PhoneNumberError> {
    if national.len() != 10 {
        return Err(PhoneNumberError::NanpLength {
            digits: national.len(),
        });
    }
    let code = |s: &[u8]| String::from_utf8_lossy(s).into_owned();
    let (area, exchange) = (&national[0..3], &national[3..6]);
    if area[0] < b'2' {
        return Err(PhoneNumberError::AreaCodeStart {
            area_code: code(area),
        });
    }
    if area[1] == b'1' && area[2] == b'1' {
        return Err(PhoneNumberError::AreaCodeIsServiceCode {
            area_code: code(area),
        });
    }
    if exchange[0] < b'2' {
        return Err(PhoneNumberError::ExchangeStart {
            exchange: code(exchange),
        });
    }
    if exchange[1] == b'1' && exchange[2] == b'1' {
        return Err(PhoneNumberError::ExchangeIsServiceCode {
            exchange: code(exchange),
        });
    }
    Ok(())
}

impl FromStr for PhoneNumber {
    type Err = PhoneNumberError;

    /// Strict E.164, as [`PhoneNumber::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for PhoneNumber {
    type Error = PhoneNumberError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneNumberError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl AsRef<str> for PhoneNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.0)
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        PhoneNumber::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> PhoneNumberError {
        PhoneNumber::parse(input).unwrap_err()
    }

    #[test]
    fn strict_e164() {
        assert_eq!(
            PhoneNumber::parse("+12065550134").unwrap().as_str(),
            "+12065550134"
        );
        assert_eq!(
            PhoneNumber::parse("+46701234567").unwrap().as_str(),
            "+46701234567"
        );
        assert_eq!(err(""), PhoneNumberError::Empty);
        assert_eq!(err("+"), PhoneNumberError::Empty);
        assert_eq!(err("12065550134"), PhoneNumberError::MissingPlus);
        assert_eq!(
            err("+0123456789"),
            PhoneNumberError::CountryCodeStartsWithZero
        );
        assert_eq!(err("+4412"), PhoneNumberError::TooShort { digits: 4 });
        assert_eq!(
            err("+4412345678901234"),
            PhoneNumberError::TooLong { digits: 16 }
        );
        assert_eq!(
            err("+1 2065550134"),
            PhoneNumberError::InvalidCharacter {
                character: ' ',
                position: 2
            }
        );
        assert_eq!(
            err("+1206555013x"),
            PhoneNumberError::InvalidCharacter {
                character: 'x',
                position: 11
            }
        );
    }

    #[test]
    fn nanp_rules() {
        assert_eq!(
            err("+1206555013"),
            PhoneNumberError::NanpLength { digits: 9 }
        );
        assert_eq!(
            err("+120655501345"),
            PhoneNumberError::NanpLength { digits: 11 }
        );
        assert_eq!(
            err("+11065550134"),
            PhoneNumberError::AreaCodeStart {
                area_code: "106".into()
            }
        );
        assert_eq!(
            err("+19115550134"),
            PhoneNumberError::AreaCodeIsServiceCode {
                area_code: "911".into()
            }
        );
        assert_eq!(
            err("+12060550134"),
            PhoneNumberError::ExchangeStart {
                exchange: "055".into()
            }
        );
        assert_eq!(
            err("+12064110134"),
            PhoneNumberError::ExchangeIsServiceCode {
                exchange: "411".into()
            }
        );
        assert!(err("+19115550134")
            .to_string()
            .contains("911 is an N11 service code"));
    }

    #[test]
    fn area_codes_not_yet_in_the_table_are_accepted() {
        // 861 and 764 came into service after the table was taken; 200 and
        // 999 are unassigned today, but may not stay so.
        for text in [
            "+18612334567",
            "+17642334567",
            "+12005550134",
            "+19995550134",
        ] {
            let n = PhoneNumber::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(n.area_code_in_service(), Some(false), "{text}");
            assert_eq!(n.region(), Some(Region::Us), "{text}");
        }
        let n = PhoneNumber::parse("+12065550134").unwrap();
        assert_eq!(n.area_code_in_service(), Some(true));
        let n = PhoneNumber::parse("+442071838750").unwrap();
        assert_eq!(n.area_code_in_service(), None);
    }

    #[test]
    fn human_forms_with_default_region() {
        for input in [
            "(206) 555-0134",
            "206.555.0134",
            "+1 206-555-0134",
            "206 555 0134",
            "1-206-555-0134",
            " 2065550134 ",
            "+1 (206) 555-0134",
        ] {
            let n = PhoneNumber::parse_with_region(input, Region::Us)
                .unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(n.as_str(), "+12065550134", "{input}");
        }
        assert_eq!(
            PhoneNumber::parse_with_region("+44 20 7946 0958", Region::Us)
                .unwrap()
                .as_str(),
            "+442079460958"
        );
        assert_eq!(
            PhoneNumber::parse_with_region("206-555-01345", Region::Ca).unwrap_err(),
            PhoneNumberError::NanpLength { digits: 11 }
        );
        assert_eq!(
            PhoneNumber::parse_with_region("206-555-0134 ext 5", Region::Us).unwrap_err(),
            PhoneNumberError::InvalidCharacter {
                character: 'e',
                position: 13
            }
        );
        assert_eq!(
            PhoneNumber::parse_with_region(" - ", Region::Us).unwrap_err(),
            PhoneNumberError::Empty
        );
    }

    #[test]
    fn digit_counts_are_bounded_exactly() {
        // E.164: 7 to 15 digits, country code included.
        assert_eq!(err("+441234"), PhoneNumberError::TooShort { digits: 6 });
        assert_eq!(PhoneNumber::parse("+4412345").unwrap().as_str(), "+4412345");
        assert_eq!(
            PhoneNumber::parse("+441234567890123").unwrap().as_str(),
            "+441234567890123"
        );
        assert_eq!(
            err("+4412345678901234"),
            PhoneNumberError::TooLong { digits: 16 }
        );
        // +1: exactly 1 + 10 digits; past 15 the E.164 limit speaks.
        assert_eq!(
            err("+120655501341234"),
            PhoneNumberError::NanpLength { digits: 14 }
        );
        assert_eq!(
            err("+1206555013412345"),
            PhoneNumberError::TooLong { digits: 16 }
        );
        assert_eq!(
            PhoneNumberError::TooShort { digits: 6 }.to_string(),
            "phone number has 6 digits; at least 7 are needed"
        );
        assert_eq!(
            PhoneNumberError::TooLong { digits: 16 }.to_string(),
            "phone number has 16 digits; E.164 allows at most 15"
        );
    }

    #[test]
    fn numbers_from_the_server_are_checked_for_shape_only() {
        let server = |s: &str| PhoneNumber::from_server(s).map(|n| n.as_str().to_owned());
        // NANP rules are not applied: the number exists.
        assert_eq!(server("+11065550134").unwrap(), "+11065550134");
        assert_eq!(server("+4412345").unwrap(), "+4412345");
        assert_eq!(server("+441234567890123").unwrap(), "+441234567890123");
        assert_eq!(
            server("+441234"),
            Err(PhoneNumberError::TooShort { digits: 6 })
        );
        assert_eq!(
            server("+4412345678901234"),
            Err(PhoneNumberError::TooLong { digits: 16 })
        );
        assert_eq!(server(""), Err(PhoneNumberError::Empty));
        assert_eq!(server("+"), Err(PhoneNumberError::Empty));
        assert_eq!(server("12065550134"), Err(PhoneNumberError::MissingPlus));
        assert_eq!(
            server("+0123456789"),
            Err(PhoneNumberError::CountryCodeStartsWithZero)
        );
    }

    #[test]
    fn national_numbers_are_10_digits_or_1_and_10() {
        let us = |s: &str| PhoneNumber::parse_with_region(s, Region::Us);
        assert_eq!(us("12065550134").unwrap().as_str(), "+12065550134");
        // Ten digits that start with 1 are an area code starting with 1,
        // not a trunk prefix.
        assert_eq!(
            us("1206555013").unwrap_err(),
            PhoneNumberError::AreaCodeStart {
                area_code: "120".into()
            }
        );
        for (input, digits) in [
            ("206555013", 9),
            ("22065550134", 11),
            ("120655501345", 12),
            ("2065550134123456", 16),
        ] {
            assert_eq!(
                us(input).unwrap_err(),
                PhoneNumberError::NanpLength { digits },
                "{input}"
            );
        }
        assert_eq!(us("").unwrap_err(), PhoneNumberError::Empty);
        // Whitespace of any kind and the other separators are skipped.
        for input in ["206\t555\u{2003}0134", "206\u{a0}555/0134", "(206)5550134"] {
            assert_eq!(us(input).unwrap().as_str(), "+12065550134", "{input:?}");
        }
        assert_eq!(
            PhoneNumber::parse_with_region("+1 206", Region::Ca).unwrap_err(),
            PhoneNumberError::NanpLength { digits: 3 }
        );
        // Leading spaces or a parenthesis before the `+`: still international,
        // and an error points at the byte of the input as typed.
        assert_eq!(us(" \t+44 20 7946 0958").unwrap().as_str(), "+442079460958");
        assert_eq!(us("(+44) 20 7946 0958").unwrap().as_str(), "+442079460958");
        assert_eq!(
            us("  +1 206-555-013x").unwrap_err(),
            PhoneNumberError::InvalidCharacter {
                character: 'x',
                position: 16
            }
        );
    }

    #[test]
    fn a_number_shows_itself_as_e164() {
        let n = PhoneNumber::parse("+12065550134").unwrap();
        assert_eq!(n.digits(), "12065550134");
        assert_eq!(n.to_string(), "+12065550134");
        assert_eq!(format!("{n:?}"), "PhoneNumber(+12065550134)");
        assert_eq!(n.as_ref(), "+12065550134");
        assert!(n.is_nanp() && !n.is_toll_free());
        assert!(PhoneNumber::parse("+18005550134").unwrap().is_toll_free());
        let uk = PhoneNumber::parse("+442071838750").unwrap();
        assert!(!uk.is_nanp() && !uk.is_toll_free());
        assert_eq!(uk.region(), None);
        assert_eq!(PhoneNumber::try_from("+12065550134".to_owned()).unwrap(), n);
        assert_eq!(PhoneNumber::try_from("+12065550134").unwrap(), n);
        assert_eq!("+12065550134".parse::<PhoneNumber>().unwrap(), n);
    }

    #[test]
    fn regions_read_and_show_their_codes() {
        assert_eq!(Region::Us.to_string(), "US");
        assert_eq!(Region::Ca.to_string(), "CA");
        for (text, region) in [("US", Region::Us), ("us", Region::Us), ("Ca", Region::Ca)] {
            assert_eq!(text.parse::<Region>().unwrap(), region, "{text}");
        }
        let error = "usa".parse::<Region>().unwrap_err();
        assert_eq!(error.input(), "usa");
        assert_eq!(
            error.to_string(),
            "region \"usa\" is not supported; the Imported Numbers API supports US and CA"
        );
    }

    #[test]
    fn region_inference() {
        let region = |s: &str| PhoneNumber::parse(s).unwrap().region();
        assert_eq!(region("+12065550134"), Some(Region::Us));
        assert_eq!(region("+14165550134"), Some(Region::Ca));
        assert_eq!(region("+16045550134"), Some(Region::Ca));
        assert_eq!(region("+18005550134"), Some(Region::Us));
        assert_eq!(region("+12425550134"), None, "Bahamas");
        assert_eq!(region("+17875550134"), None, "Puerto Rico");
        assert_eq!(region("+46701234567"), None);
    }

    #[test]
    fn serde_is_the_e164_string() {
        let n = PhoneNumber::parse("+12065550134").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"+12065550134\"");
        assert_eq!(
            serde_json::from_str::<PhoneNumber>("\"+12065550134\"").unwrap(),
            n
        );
        let e = serde_json::from_str::<PhoneNumber>("\"2065550134\"").unwrap_err();
        assert!(e.to_string().contains("must start with '+'"), "{e}");
    }
}
