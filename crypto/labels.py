"""Every purpose label for a derived key or value, defined once (HKDF info strings)."""

CODENAME_SALT = b"westrong-drop/v1/codename-salt"
SOURCE_LOOKUP_ID = b"westrong-drop/v1/source-lookup-id"
SOURCE_REPLY_KEY = b"westrong-drop/v1/source-reply-key"
FINGERPRINT = b"westrong-drop/v1/fingerprint"
SESSION_TOKEN_HASH = b"westrong-drop/v1/session-token-hash"
SESSION_SEAL_KEY = b"westrong-drop/v1/session-seal-key"
CODENAME_PROOF = b"westrong-drop/v1/codename-proof"
