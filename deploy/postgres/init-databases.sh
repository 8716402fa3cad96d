#!/bin/sh
# One database and one role per service: no service can read another's tables.
set -eu
for service in decision_log explainer appeals; do
  password_var="$(echo "${service}" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
  eval password="\${${password_var}}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE ${service} LOGIN PASSWORD '${password}';
CREATE DATABASE ${service} OWNER ${service};
REVOKE ALL ON DATABASE ${service} FROM PUBLIC;
SQL
done
