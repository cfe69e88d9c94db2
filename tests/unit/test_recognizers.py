"""Each Dutch recognizer on real note phrasing, parametrised as in Presidio's own tests."""

import pytest

from flagging.redact.recognizers import (
    NlBsnRecognizer,
    NlDateRecognizer,
    NlIbanRecognizer,
    NlIpRecognizer,
    NlLicensePlateRecognizer,
    NlPhoneRecognizer,
    NlPostcodeRecognizer,
    NlUrlRecognizer,
    OfflineEmailRecognizer,
)
from flagging.redact.recognizers.bsn import elfproef
from flagging.redact.recognizers.iban import iban_valid


def _found(recognizer, entity, text):
    return [text[r.start:r.end] for r in recognizer.analyze(text, [entity]) if r.score > 0]


@pytest.mark.parametrize("text, expected", [
    ("BSN 123456782 bekend.", ["123456782"]),
    ("bsn: 123.456.782", ["123.456.782"]),
    ("BSN 1234 56 782", ["1234 56 782"]),
    ("nummer 123456789 klopt niet", []),          # fails the elfproef
    ("bel 0612345678", []),                        # a phone number, not a BSN
])
def test_bsn(text, expected):
    assert _found(NlBsnRecognizer(), "NL_BSN", text) == expected


@pytest.mark.parametrize("digits, ok", [("123456782", True), ("111222333", True), ("123456789", False),
                                        ("000000000", False), ("12345678", False)])
def test_elfproef(digits, ok):
    assert elfproef(digits) is ok


@pytest.mark.parametrize("text, expected", [
    ("IBAN NL91 ABNA 0417 1643 00 van cl.", ["NL91 ABNA 0417 1643 00"]),
    ("rekening NL91ABNA0417164300", ["NL91ABNA0417164300"]),
    ("rek nl91abna0417164300.", ["nl91abna0417164300"]),
    ("IBAN NL92 ABNA 0417 1643 00", []),            # wrong check digits
])
def test_iban(text, expected):
    assert _found(NlIbanRecognizer(), "IBAN_CODE", text) == expected


@pytest.mark.parametrize("iban, ok", [("NL91ABNA0417164300", True), ("BE68539007547034", True),
                                      ("NL91ABNA0417164301", False)])
def test_iban_checksum(iban, ok):
    assert iban_valid(iban) is ok


@pytest.mark.parametrize("text, expected", [
    ("tel 06-12345678", ["06-12345678"]),
    ("mobiel 06 1234 5678.", ["06 1234 5678"]),
    ("belt van 0612345678", ["0612345678"]),
    ("vast 020-1234567", ["020-1234567"]),
    ("010 - 123 45 67 (werk)", ["010 - 123 45 67"]),
    ("0341-123456", ["0341-123456"]),
    ("+31 6 12345678", ["+31 6 12345678"]),
    ("+31(0)20 123 4567", ["+31(0)20 123 4567"]),
    ("0031 6 1234 5678", ["0031 6 1234 5678"]),
    ("zus in Polen: +48 601 234 567", ["+48 601 234 567"]),
    ("(06-12345678)", ["06-12345678"]),
    ("op 12-03-2024 om 10.00", []),
    ("BSN 123456782", []),
])
def test_phone(text, expected):
    assert _found(NlPhoneRecognizer(), "PHONE_NUMBER", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("3512 AB Utrecht", ["3512 AB"]), ("3512AB", ["3512AB"]), ("postcode 3512ab", ["3512ab"]),
    ("1234 SS", []), ("0123 AB", []), ("in 2024 is", []),
])
def test_postcode(text, expected):
    assert _found(NlPostcodeRecognizer(), "NL_POSTCODE", text) == expected


@pytest.mark.parametrize("plate", ["XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX",
                                   "99-XXX-9", "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX",
                                   "9-XX-999", "999-XX-9"])
def test_every_license_plate_sidecode(plate):
    text = plate.replace("X", "K").replace("9", "7")
    assert _found(NlLicensePlateRecognizer(), "NL_LICENSE_PLATE", f"auto met kenteken {text} voor de deur") == [text]


@pytest.mark.parametrize("text, expected", [("kenteken GZ-123-B", ["GZ-123-B"]), ("kenteken GZ123B", ["GZ123B"]),
                                            ("een BMW uit 2024", [])])
def test_license_plate_variants(text, expected):
    assert _found(NlLicensePlateRecognizer(), "NL_LICENSE_PLATE", text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Afspraak 12 maart 2024.", ["12 maart 2024"]),
    ("op 12-03-2024", ["12-03-2024"]),
    ("geb. 14-02-1987", ["14-02-1987"]),
    ("ma 3/4 gebeld", ["3/4"]),
    ("sinds maart 2023", ["maart 2023"]),
    ("HB om 14.30 uur", ["14.30 uur"]),
    ("om 9:15", ["9:15"]),
    ("14 feb. langs", ["14 feb."]),
    ("betaalt € 3.50 per dag", []),
])
def test_dates(text, expected):
    assert _found(NlDateRecognizer(), "DATE_TIME", text) == expected


@pytest.mark.parametrize("recognizer, entity, text, expected", [
    (OfflineEmailRecognizer(), "EMAIL_ADDRESS", "mail naar j.jansen@gmail.com.", ["j.jansen@gmail.com"]),
    (NlUrlRecognizer(), "URL", "advertentie op www.marktplaats.nl/a/123 gezien", ["www.marktplaats.nl/a/123"]),
    (NlUrlRecognizer(), "URL", "zie https://t.me/xyz.", ["https://t.me/xyz"]),
    (NlIpRecognizer(), "IP_ADDRESS", "ingelogd vanaf 84.241.193.7 gisteren", ["84.241.193.7"]),
    (NlIpRecognizer(), "IP_ADDRESS", "versie 1.2.3.400", []),
])
def test_generic(recognizer, entity, text, expected):
    assert _found(recognizer, entity, text) == expected
