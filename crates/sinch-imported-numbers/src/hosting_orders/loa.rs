//! The letter of authorization (LOA) a text-enable order is made under: one
//! typed choice, so a request with no letter or with two cannot be written.
//!
//! The wire has three optional sibling objects (`directLoaInfo`,
//! `resellerLoaInfo`, `blanketLoaInfo`) of which exactly one must be sent;
//! [`Loa`] is that choice, and [`TollFreeLoa`] the narrower one toll-free
//! orders accept (no blanket letter). Every part the service needs is
//! checked before anything is sent, each failure naming the part
//! ([`Setting::LetterOfAuthorization`]).

use sinch_imported_numbers_api::types;

use crate::error::{InputError, Setting};

/// The person who signs the letter; the e-signature request goes to
/// `email`. All three parts are needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorisedPerson {
    first_name: String,
    last_name: String,
    email: String,
}

impl AuthorisedPerson {
    /// The signer's given name, family name and e-mail address. Checked
    /// when a request is sent (or [`Loa::check`]ed): none may be blank, and
    /// the address must look like one (`local@domain`, no spaces).
    pub fn new(
        first_name: impl Into<String>,
        last_name: impl Into<String>,
        email: impl Into<String>,
    ) -> Self {
        AuthorisedPerson {
            first_name: first_name.into(),
            last_name: last_name.into(),
            email: email.into(),
        }
    }

    fn check(&self) -> Result<(), InputError> {
        required("authorisedPerson.firstName", &self.first_name)?;
        required("authorisedPerson.lastName", &self.last_name)?;
        required("authorisedPerson.email", &self.email)?;
        let looks_like_address = self.email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        }) && !self.email.chars().any(char::is_whitespace);
        if !looks_like_address {
            return Err(InputError::invalid(
                Setting::LetterOfAuthorization("authorisedPerson.email"),
                format!(
                    "{:?} is not an e-mail address; the letter is sent there for signature",
                    self.email
                ),
            ));
        }
        Ok(())
    }

    fn to_wire(&self) -> types::LoaAuthorizedPerson {
        types::LoaAuthorizedPerson {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
        }
    }
}

/// The business address printed on the letter. Every part is text (postal
/// codes keep their leading zeros) and none may be blank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    building_number: String,
    street: String,
    city: String,
    state: String,
    postal_code: String,
    country: String,
}

impl Address {
    /// An address: building number, street, city, state or province
    /// abbreviation (`NY`, `ON`), postal code, country code (`US`, `CA`).
    pub fn new(
        building_number: impl Into<String>,
        street: impl Into<String>,
        city: impl Into<String>,
        state: impl Into<String>,
        postal_code: impl Into<String>,
        country: impl Into<String>,
    ) -> Self {
        Address {
            building_number: building_number.into(),
            street: street.into(),
            city: city.into(),
            state: state.into(),
            postal_code: postal_code.into(),
            country: country.into(),
        }
    }

    fn check(&self) -> Result<(), InputError> {
        required("address.buildingNumber", &self.building_number)?;
        required("address.street", &self.street)?;
        required("address.city", &self.city)?;
        required("address.state", &self.state)?;
        required("address.postalCode", &self.postal_code)?;
        required("address.country", &self.country)
    }

    fn to_wire(&self) -> types::LoaAddress {
        types::LoaAddress {
            building_number: self.building_number.clone(),
            street: self.street.clone(),
            city: self.city.clone(),
            state: self.state.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
        }
    }
}

/// A letter signed by the numbers' owner itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectLoa {
    person: AuthorisedPerson,
    address: Address,
    current_voice_carrier: String,
}

impl DirectLoa {
    /// The signer, the business address, and the carrier that serves the
    /// numbers' voice traffic today (free text, e.g. `Verizon`).
    pub fn new(
        person: AuthorisedPerson,
        address: Address,
        current_voice_carrier: impl Into<String>,
    ) -> Self {
        DirectLoa {
            person,
            address,
            current_voice_carrier: current_voice_carrier.into(),
        }
    }

    fn check(&self) -> Result<(), InputError> {
        self.person.check()?;
        self.address.check()?;
        required("currentVoiceCarrier", &self.current_voice_carrier)
    }

    fn to_wire(&self) -> types::DirectLoaInfo {
        types::DirectLoaInfo {
            authorised_person: self.person.to_wire(),
            address: self.address.to_wire(),
            current_voice_carrier: self.current_voice_carrier.clone(),
        }
    }
}

/// A letter signed by a reseller on behalf of its customer's business.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResellerLoa {
    business_name: String,
    person: AuthorisedPerson,
    address: Address,
    current_voice_carrier: String,
}

impl ResellerLoa {
    /// The customer's business name, the signer, the business address, and
    /// the numbers' current voice carrier (free text).
    pub fn new(
        business_name: impl Into<String>,
        person: AuthorisedPerson,
        address: Address,
        current_voice_carrier: impl Into<String>,
    ) -> Self {
        ResellerLoa {
            business_name: business_name.into(),
            person,
            address,
            current_voice_carrier: current_voice_carrier.into(),
        }
    }

    fn check(&self) -> Result<(), InputError> {
        required("businessName", &self.business_name)?;
        self.person.check()?;
        self.address.check()?;
        required("currentVoiceCarrier", &self.current_voice_carrier)
    }

    fn to_wire(&self) -> types::ResellerLoaInfo {
        types::ResellerLoaInfo {
            business_name: self.business_name.clone(),
            authorised_person: self.person.to_wire(),
            address: self.address.to_wire(),
            current_voice_carrier: self.current_voice_carrier.clone(),
        }
    }
}

/// The letter a (non-toll-free) text-enable order is made under.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Loa {
    /// Signed by the numbers' owner; e-mailed to the signer, so the order
    /// waits for the signature.
    Direct(DirectLoa),
    /// Signed by a reseller; e-mailed to the signer as well.
    Reseller(ResellerLoa),
    /// A blanket letter the account manager approved beforehand; nothing is
    /// signed per order. The service refuses it unless one is on file.
    Blanket,
}

impl From<DirectLoa> for Loa {
    fn from(loa: DirectLoa) -> Self {
        Loa::Direct(loa)
    }
}

impl From<ResellerLoa> for Loa {
    fn from(loa: ResellerLoa) -> Self {
        Loa::Reseller(loa)
    }
}

impl From<TollFreeLoa> for Loa {
    fn from(loa: TollFreeLoa) -> Self {
        match loa {
            TollFreeLoa::Direct(l) => Loa::Direct(l),
            TollFreeLoa::Reseller(l) => Loa::Reseller(l),
        }
    }
}

/// The three wire siblings, exactly one of them `Some`.
pub(crate) type WireLoa = (
    Option<types::DirectLoaInfo>,
    Option<types::ResellerLoaInfo>,
    Option<types::BlanketLoaInfo>,
);

impl Loa {
    /// Checks every part the service needs, without sending anything.
    ///
    /// # Errors
    /// [`InputError`] naming the first blank or malformed part
    /// ([`Setting::LetterOfAuthorization`]).
    pub fn check(&self) -> Result<(), InputError> {
        match self {
            Loa::Direct(l) => l.check(),
            Loa::Reseller(l) => l.check(),
            Loa::Blanket => Ok(()),
        }
    }

    /// Whether a person must sign this letter before the order goes on.
    pub fn needs_signature(&self) -> bool {
        !matches!(self, Loa::Blanket)
    }

    pub(crate) fn to_wire(&self) -> WireLoa {
        match self {
            Loa::Direct(l) => (Some(l.to_wire()), None, None),
            Loa::Reseller(l) => (None, Some(l.to_wire()), None),
            Loa::Blanket => (None, None, Some(types::BlanketLoaInfo(Default::default()))),
        }
    }
}

/// The letter a toll-free text-enable order is made under: direct or
/// reseller (the service takes no blanket letter for toll-free numbers).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TollFreeLoa {
    /// Signed by the numbers' owner.
    Direct(DirectLoa),
    /// Signed by a reseller.
    Reseller(ResellerLoa),
}

impl From<DirectLoa> for TollFreeLoa {
    fn from(loa: DirectLoa) -> Self {
        TollFreeLoa::Direct(loa)
    }
}

impl From<ResellerLoa> for TollFreeLoa {
    fn from(loa: ResellerLoa) -> Self {
        TollFreeLoa::Reseller(loa)
    }
}

impl TollFreeLoa {
    /// Checks every part, as [`Loa::check`].
    ///
    /// # Errors
    /// [`InputError`] naming the first blank or malformed part.
    pub fn check(&self) -> Result<(), InputError> {
        match self {
            TollFreeLoa::Direct(l) => l.check(),
            TollFreeLoa::Reseller(l) => l.check(),
        }
    }
}

fn required(part: &'static str, value: &str) -> Result<(), InputError> {
    if value.trim().is_empty() {
        return Err(InputError::Missing(Setting::LetterOfAuthorization(part)));
    }
    if value.chars().any(char::is_control) {
        return Err(InputError::invalid(
            Setting::LetterOfAuthorization(part),
            format!("{value:?} contains control characters"),
        ));
    }
    // Printed on a legal letter as given: a space a spreadsheet left at
    // either end is refused rather than sent or silently trimmed.
    if value.trim() != value {
        return Err(InputError::invalid(
            Setting::LetterOfAuthorization(part),
            format!("{value:?} has spaces at its start or end"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> AuthorisedPerson {
        AuthorisedPerson::new("Alex", "Example", "alex@example.com")
    }

    fn address() -> Address {
        Address::new("2433", "Main Street", "Springfield", "IL", "01002", "US")
    }

    fn part(err: InputError) -> &'static str {
        match err.setting() {
            Some(Setting::LetterOfAuthorization(part)) => part,
            other => panic!("not about the letter: {other:?}"),
        }
    }

    #[test]
    fn exactly_one_sibling_is_sent() {
        let direct = Loa::from(DirectLoa::new(person(), address(), "Verizon"));
        assert!(direct.check().is_ok());
        let (d, r, b) = direct.to_wire();
        assert!(d.is_some() && r.is_none() && b.is_none());
        let (d, r, b) = Loa::Blanket.to_wire();
        assert!(d.is_none() && r.is_none());
        assert_eq!(serde_json::to_string(&b.unwrap()).unwrap(), "{}");
        let reseller = ResellerLoa::new("Shop Inc.", person(), address(), "AT&T");
        let (d, r, b) = Loa::from(reseller).to_wire();
        assert!(d.is_none() && r.is_some() && b.is_none());
        assert!(!Loa::Blanket.needs_signature());
        assert!(Loa::from(DirectLoa::new(person(), address(), "V")).needs_signature());
    }

    #[test]
    fn every_blank_part_is_named() {
        let cases: [(&str, DirectLoa); 5] = [
            (
                "authorisedPerson.firstName",
                DirectLoa::new(AuthorisedPerson::new(" ", "E", "a@b.c"), address(), "V"),
            ),
            (
                "authorisedPerson.email",
                DirectLoa::new(AuthorisedPerson::new("A", "E", ""), address(), "V"),
            ),
            (
                "address.postalCode",
                DirectLoa::new(person(), Address::new("1", "S", "C", "NY", "", "US"), "V"),
            ),
            (
                "address.country",
                DirectLoa::new(person(), Address::new("1", "S", "C", "NY", "1", "\t"), "V"),
            ),
            (
                "currentVoiceCarrier",
                DirectLoa::new(person(), address(), ""),
            ),
        ];
        for (want, loa) in cases {
            let err = Loa::from(loa).check().unwrap_err();
            assert_eq!(part(err.clone()), want);
            assert!(matches!(err, InputError::Missing(_)), "{err}");
        }
        let spaced = DirectLoa::new(
            person(),
            Address::new("1", "S", "C", " IL ", "1", "US"),
            "V",
        );
        let err = Loa::from(spaced).check().unwrap_err();
        assert_eq!(part(err.clone()), "address.state");
        assert!(
            err.to_string().contains("spaces at its start or end"),
            "{err}"
        );
        let err = ResellerLoa::new("", person(), address(), "V")
            .check()
            .unwrap_err();
        assert_eq!(part(err), "businessName");
    }

    #[test]
    fn emails_must_look_like_addresses() {
        for bad in [
            "alex",
            "alex@",
            "@example.com",
            "alex@example",
            "a lex@example.com",
            "a@b@c.d",
            "a@.com",
            "a@com.",
        ] {
            let loa = DirectLoa::new(AuthorisedPerson::new("A", "E", bad), address(), "V");
            let err = TollFreeLoa::from(loa).check().unwrap_err();
            assert_eq!(part(err.clone()), "authorisedPerson.email", "{bad}");
            assert!(
                err.to_string()
                    .contains("letter of authorization's authorisedPerson.email"),
                "{err}"
            );
        }
        for good in ["alex@example.com", "a.b+c@mail.example.co.uk"] {
            let loa = DirectLoa::new(AuthorisedPerson::new("A", "E", good), address(), "V");
            assert!(Loa::from(loa).check().is_ok(), "{good}");
        }
    }
}
