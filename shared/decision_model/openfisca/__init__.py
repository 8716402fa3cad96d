"""Decision models computed by an OpenFisca country package (rules as code).

`spec` describes a registered model and imports nothing of OpenFisca; `engine` and `applied`
import it, and are loaded only when a case of such a model is computed.
"""
