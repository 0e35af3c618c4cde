import pytest

from shared.devices.gtin import check_digit, is_valid_gtin, is_valid_upce, to_gtin13, upce_to_upca


@pytest.mark.parametrize(
    "code",
    ["4006381333931", "9780306406157", "6901234567892", "036000291452", "73513537", "10614141000415"],
)
def test_published_gtins_are_valid(code: str) -> None:
    assert is_valid_gtin(code)


@pytest.mark.parametrize(
    "code", ["4006381333932", "036000291453", "73513536", "69012345678", "69O1234567892", ""]
)
def test_wrong_check_digit_or_shape_is_rejected(code: str) -> None:
    assert not is_valid_gtin(code)


def test_check_digit_matches_gs1_example() -> None:
    assert check_digit("629104150021") == 3
    assert check_digit("03600029145") == 2


def test_upce_expands_to_upca() -> None:
    assert upce_to_upca("04252614") == "042100005264"
    assert is_valid_upce("04252614")
    assert not is_valid_upce("04252615")


def test_normalise_to_13_digits() -> None:
    assert to_gtin13("036000291452") == "0036000291452"
    assert to_gtin13("73513537") == "0000073513537"
    assert to_gtin13("00036000291452") == "0036000291452"
    with pytest.raises(ValueError):
        to_gtin13("4006381333932")
