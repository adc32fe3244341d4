"""Bech32 (BIP 173) as age uses it: no length limit, one case per string, strict checksum."""

from crypto.errors import KeyEncodingError

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, g in enumerate(_GENERATOR):
            chk ^= g if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc, bits, out = 0, 0, []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or (acc << (to_bits - bits)) & maxv:
        raise KeyEncodingError("non-canonical padding in bech32 data")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Encode bytes under a human-readable part (lowercase result)."""
    values = _convert_bits(data, 8, 5, pad=True)
    checksum_in = _hrp_expand(hrp) + values + [0] * 6
    mod = _polymod(checksum_in) ^ 1
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)


def decode(text: str) -> tuple[str, bytes]:
    """Decode a bech32 string into its (lowercase) human-readable part and data bytes."""
    if text.lower() != text and text.upper() != text:
        raise KeyEncodingError("mixed case in bech32 string")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text):
        raise KeyEncodingError("malformed bech32 string")
    hrp, rest = text[:pos], text[pos + 1 :]
    if any(ord(c) < 33 or ord(c) > 126 for c in hrp):
        raise KeyEncodingError("invalid character in bech32 prefix")
    try:
        values = [_CHARSET.index(c) for c in rest]
    except ValueError:
        raise KeyEncodingError("invalid character in bech32 data") from None
    if _polymod(_hrp_expand(hrp) + values) != 1:
        raise KeyEncodingError("bad bech32 checksum")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))
