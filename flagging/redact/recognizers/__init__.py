"""Dutch Presidio recognizers, one per file (Presidio's own layout)."""

from flagging.redact.recognizers.address import NlAddressRecognizer
from flagging.redact.recognizers.bsn import NlBsnRecognizer
from flagging.redact.recognizers.date import NlDateRecognizer
from flagging.redact.recognizers.email import OfflineEmailRecognizer
from flagging.redact.recognizers.iban import NlIbanRecognizer
from flagging.redact.recognizers.ip import NlIpRecognizer
from flagging.redact.recognizers.license_plate import NlLicensePlateRecognizer
from flagging.redact.recognizers.lookup import DutchLookupRecognizer
from flagging.redact.recognizers.phone import NlPhoneRecognizer
from flagging.redact.recognizers.postcode import NlPostcodeRecognizer
from flagging.redact.recognizers.url import NlUrlRecognizer

__all__ = [
    "DutchLookupRecognizer", "NlAddressRecognizer", "NlBsnRecognizer", "NlDateRecognizer", "NlIbanRecognizer",
    "NlIpRecognizer", "NlLicensePlateRecognizer", "NlPhoneRecognizer", "NlPostcodeRecognizer",
    "NlUrlRecognizer", "OfflineEmailRecognizer",
]
