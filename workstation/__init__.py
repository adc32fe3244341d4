"""The air-gapped workstation: opens export bundles with a desk's private key, offline.

Imports only `crypto`, so it installs on the offline machine with PyNaCl and argon2-cffi.
"""
