"""The register in the formats of the ecosystem, each generated from the same entries.

Every export's schema is versioned: `v1` is in the address of the files and of their schemas,
and changes are announced in `changelog.py` before they reach an address.
"""
