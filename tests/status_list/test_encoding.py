"""The draft's official vectors (draft-ietf-oauth-status-list-21 §4, §5.1, Appendix C),
copied verbatim into ``vectors.json``."""

import hashlib
import json
import zlib
from pathlib import Path

import pytest

from oauth_ext.core import jose
from oauth_ext.status_list.encoding import StatusArray

VECTORS = json.loads((Path(__file__).parent / "vectors.json").read_text())
SMALL = VECTORS["status_list_small"]
LONG = VECTORS["status_list_long"]


@pytest.mark.parametrize("name", ["1bit_16", "2bit_12"])
def test_small_vectors_both_ways(name):
    vector = SMALL[name]
    array = StatusArray(len(vector["statuses"]), vector["bits"])
    array.update(enumerate(vector["statuses"]))
    assert array.data.hex() == vector["byte_array_hex"]
    assert array.compressed().hex() == vector["compressed_hex"]
    assert array.lst() == vector["lst"]
    decoded = StatusArray.from_lst(vector["lst"], vector["bits"])
    assert [decoded[i] for i in range(len(vector["statuses"]))] == vector["statuses"]


@pytest.mark.parametrize("name", ["1bit_long", "2bit_long", "4bit_long", "8bit_long"])
def test_long_vectors(name):
    vector = LONG[name]
    array = StatusArray(vector["size_entries"], vector["bits"])
    array.update(vector["set_values"])
    assert len(array.data) == vector["uncompressed_len_bytes"]
    assert hashlib.sha256(array.data).hexdigest() == vector["uncompressed_sha256"]
    assert array.lst() == vector["lst"]  # byte-exact at zlib level 9
    decoded = StatusArray.from_lst(vector["lst"], vector["bits"])
    assert decoded.data == array.data
    expected = dict(vector["set_values"])
    assert all(decoded[idx] == value for idx, value in expected.items())
    assert decoded.size == vector["size_entries"]


def test_any_zlib_level_decodes():
    array = StatusArray(64, 2)
    array[63] = 3
    other = jose.b64url_encode(zlib.compress(bytes(array.data), 1))
    assert StatusArray.from_lst(other, 2)[63] == 3


def test_bounds_and_values():
    array = StatusArray(10, 1)
    with pytest.raises(IndexError):
        array[10]
    with pytest.raises(ValueError, match="does not fit"):
        array[0] = 2  # SUSPENDED does not fit in one bit
    with pytest.raises(ValueError, match="bits must be"):
        StatusArray(10, 3)


def test_decompression_bomb_is_refused():
    bomb = jose.b64url_encode(zlib.compress(bytes(50 * 1024 * 1024), 9))
    with pytest.raises(ValueError, match="larger than allowed"):
        StatusArray.from_lst(bomb, 1)


def test_status_list_token_example_verifies_with_the_published_key():
    example = VECTORS["status_list_jwt_example"]
    jwk = example["verification_jwk"]
    header, claims = jose.verify_jws(example["compact"], key=jose.load_public_jwk(jwk), algorithms={"ES256"}, max_bytes=8192)
    assert header == {"alg": "ES256", "kid": "12", "typ": "statuslist+jwt"}
    assert claims["sub"] == "https://example.com/statuslists/1"
    assert claims["status_list"] == {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}
    assert claims["ttl"] == 43200
    decoded = StatusArray.from_lst(claims["status_list"]["lst"], 1)
    assert [decoded[i] for i in range(16)] == SMALL["1bit_16"]["statuses"]
