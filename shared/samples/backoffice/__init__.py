"""Sample back offices: the administrations\x27 own software, which Explicite only receives from."""
