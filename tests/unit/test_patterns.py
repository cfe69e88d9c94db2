import pytest

from flagging.match.patterns import PatternError, parse_pattern
from flagging.normalize import normalize_token


@pytest.mark.parametrize("raw, norm", [
    ("Wietlucht", "wietlucht"), ("geïntimideerd", "geintimideerd"), ("wiet-lucht", "wietlucht"),
    ("cl.", "cl"), ("Yılmaz", "yilmaz"), ("Łukasz", "lukasz"), ("pgb-budget", "pgbbudget"), (".", "."),
    ("Ștefan", "stefan"), ("o.a.", "o.a"),
])
def test_normalize_token(raw, norm):
    assert normalize_token(raw) == norm


@pytest.mark.parametrize("pattern", [
    "wiet*|hennep*", "ruik* ...4 wiet*", "ramen [zijn] ...2 afgeplakt|afgedekt", "*kwekerij", "*wiet* lucht",
])
def test_valid_patterns_parse(pattern):
    assert parse_pattern(pattern)


@pytest.mark.parametrize("pattern, reason", [
    ("...2 wiet", "start"), ("wiet ...2", "end"), ("[de] wiet", "start"), ("*ik*", "3 letters"),
    ("Wietlucht", "normal form"), ("wiet-lucht", "normal form"), ("a||b", "empty"), ("wiet ...13 x", "gap"),
    ("geïntimideerd", "normal form"), ("[de wiet", "unbalanced"),
])
def test_invalid_patterns_are_refused_with_reason(pattern, reason):
    with pytest.raises(PatternError, match=reason):
        parse_pattern(pattern)
