"""Padding rules, so a ciphertext's size says little about its plaintext's size."""

MIN_BUCKET = 1024
POWER_OF_TWO_LIMIT = 64 * 1024


def padme(length: int) -> int:
    """Return the Padmé size for a length: at most 12% larger, leaking O(log log n) bits.

    Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with
    PURBs" (PETS 2019).
    """
    if length < 2:
        return length
    exponent = length.bit_length() - 1
    size_bits = exponent.bit_length()
    mask = (1 << (exponent - size_bits)) - 1
    return (length + mask) & ~mask


def bucket(length: int) -> int:
    """Return the padded size of a message or reply: powers of two from 1 KiB, then Padmé.

    Short texts (most tips and replies) all look alike: 1, 2, 4 ... 64 KiB.
    """
    if length <= POWER_OF_TWO_LIMIT:
        return max(MIN_BUCKET, 1 << max(0, (length - 1).bit_length()))
    return padme(length)
