//! Property tests for `PhoneNumber`: what holds for every input, not just the
//! examples in the unit tests.

use proptest::prelude::*;
use sinch_imported_numbers::{PhoneNumber, PhoneNumberError, Region};

/// Area codes in service across the US, Canada, toll-free and the Caribbean.
const IN_SERVICE: &[u16] = &[
    201, 206, 212, 242, 312, 416, 604, 787, 800, 833, 867, 905, 917, 989,
];
/// Well-formed area codes that are not assigned.
const NOT_IN_SERVICE: &[u16] = &[200, 222, 333, 444, 555, 666, 777, 999];

/// A NANP number that satisfies every rule (NXX-NXX-XXXX, no N11 exchange),
/// in an area code in service.
fn valid_nanp() -> impl Strategy<Value = String> {
    let exchange =
        (2u8..=9, 0u8..=9, 0u8..=9).prop_filter("not N11", |(_, b, c)| !(*b == 1 && *c == 1));
    (proptest::sample::select(IN_SERVICE), exchange, 0u16..=9999)
        .prop_map(|(area, (d, e, f), line)| format!("+1{area}{d}{e}{f}{line:04}"))
}

/// A valid non-NANP E.164 number: first digit 2-9, 7 to 15 digits in all.
fn valid_international() -> impl Strategy<Value = String> {
    (2u8..=9, proptest::collection::vec(0u8..=9, 6..=14)).prop_map(|(first, rest)| {
        format!(
            "+{first}{}",
            rest.iter().map(|d| d.to_string()).collect::<String>()
        )
    })
}

fn human_form(e164: &str) -> impl Strategy<Value = String> {
    let national = e164[2..].to_owned();
    prop_oneof![
        Just(format!(
            "({}) {}-{}",
            &national[0..3],
            &national[3..6],
            &national[6..]
        )),
        Just(format!(
            "{}.{}.{}",
            &national[0..3],
            &national[3..6],
            &national[6..]
        )),
        Just(format!(
            "+1 {}-{}-{}",
            &national[0..3],
            &national[3..6],
            &national[6..]
        )),
        Just(format!(
            "1-{}-{}-{}",
            &national[0..3],
            &national[3..6],
            &national[6..]
        )),
        Just(format!("  {national}  ")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// No input, however odd, makes parsing panic.
    #[test]
    fn never_panics(input in any::<String>()) {
        let _ = PhoneNumber::parse(&input);
        let _ = PhoneNumber::parse_with_region(&input, Region::Us);
        let _ = PhoneNumber::parse_with_region(&input, Region::Ca);
    }

    /// Inputs built from the characters a phone number is made of, where
    /// the interesting edge cases are.
    #[test]
    fn never_panics_on_phone_like_text(input in "[+0-9 ().\\-/]{0,24}") {
        let results = [PhoneNumber::parse(&input), PhoneNumber::parse_with_region(&input, Region::Us)];
        // Whatever is accepted is canonical, valid E.164.
        for n in results.into_iter().flatten() {
            prop_assert!(n.as_str().starts_with('+'));
            prop_assert!(n.digits().bytes().all(|b| b.is_ascii_digit()));
            prop_assert!(n.digits().len() <= 15);
            prop_assert_eq!(PhoneNumber::parse(n.as_str()).unwrap(), n);
        }
    }

    #[test]
    fn every_valid_nanp_number_parses_and_round_trips(e164 in valid_nanp()) {
        let n = PhoneNumber::parse(&e164).unwrap();
        prop_assert_eq!(n.as_str(), e164.as_str());
        prop_assert!(n.is_nanp());
        let json = serde_json::to_string(&n).unwrap();
        prop_assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), n);
    }

    #[test]
    fn human_forms_give_the_same_e164((e164, text) in valid_nanp().prop_flat_map(|e| (Just(e.clone()), human_form(&e)))) {
        let n = PhoneNumber::parse_with_region(&text, Region::Us).unwrap();
        prop_assert_eq!(n.as_str(), e164.as_str());
    }

    #[test]
    fn valid_international_numbers_parse(e164 in valid_international()) {
        let n = PhoneNumber::parse(&e164).unwrap();
        prop_assert_eq!(n.as_str(), e164.as_str());
    }

    #[test]
    fn nanp_area_codes_starting_with_0_or_1_are_rejected(first in 0u8..=1, rest in "[0-9]{9}") {
        let input = format!("+1{first}{rest}");
        let is_area_code_error = matches!(PhoneNumber::parse(&input), Err(PhoneNumberError::AreaCodeStart { .. }));
        prop_assert!(is_area_code_error);
    }

    #[test]
    fn n11_codes_are_rejected(n in 2u8..=9, line in "[0-9]{4}") {
        let area = format!("+1{n}11555{line}");
        let is_area_error = matches!(PhoneNumber::parse(&area), Err(PhoneNumberError::AreaCodeIsServiceCode { .. }));
        prop_assert!(is_area_error);
        let exchange = format!("+1206{n}11{line}");
        let is_exchange_error = matches!(PhoneNumber::parse(&exchange), Err(PhoneNumberError::ExchangeIsServiceCode { .. }));
        prop_assert!(is_exchange_error);
    }

    #[test]
    fn area_codes_not_in_service_are_information_not_errors(area in proptest::sample::select(NOT_IN_SERVICE), rest in "[2-9]([02-9][0-9]|1[02-9])[0-9]{4}") {
        let number = PhoneNumber::parse(&format!("+1{area}{rest}"));
        prop_assert!(number.is_ok(), "{:?}", number);
        prop_assert_eq!(number.unwrap().area_code_in_service(), Some(false));
    }

    #[test]
    fn more_than_15_digits_is_too_long(digits in "[2-9][0-9]{15,30}") {
        let is_too_long = matches!(PhoneNumber::parse(&format!("+{digits}")), Err(PhoneNumberError::TooLong { .. }));
        prop_assert!(is_too_long);
    }

    #[test]
    fn every_nanp_number_has_a_known_region_or_none(e164 in valid_nanp()) {
        let region = PhoneNumber::parse(&e164).unwrap().region();
        prop_assert!(matches!(region, Some(Region::Us) | Some(Region::Ca) | None));
    }
}
