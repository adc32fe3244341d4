"""Models, repository functions and the ciphertext blob store. Ciphertext is opaque here."""
