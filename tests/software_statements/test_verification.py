"""Statement time claims must be RFC 7519 NumericDates (found by the property tests
in tests/fuzz: ``iat: false`` passed as 0)."""

import pytest

from oauth_ext.software_statements.errors import InvalidSoftwareStatement
from oauth_ext.software_statements.services import verify_statement


@pytest.mark.parametrize("claim", ["iat", "exp"])
@pytest.mark.parametrize("value", [False, True, "1700000000", [1], {"t": 1}])
def test_time_claims_that_are_not_numbers_are_refused(vendor, claim, value):
    with pytest.raises(InvalidSoftwareStatement):
        verify_statement(vendor.statement(**{claim: value}))


def test_numeric_times_still_pass(vendor):
    publisher, claims = verify_statement(vendor.statement(iat=1_700_000_000, exp=4_000_000_000.5))
    assert publisher == vendor.publisher and claims["software_id"] == "mail-app"
