#!/usr/bin/env bash
# Entrypoint of the MindPulse image (webserver, daemon and run tasks alike).
#
# ECS injects the Snowflake service user's private key from Secrets Manager as the variable
# SNOWFLAKE_PRIVATE_KEY (PEM text), but dbt's profile, the Snowflake connector and Snowpark read
# a key *file*: SNOWFLAKE_PRIVATE_KEY_PATH. So the key is written to that file (mode 0600, only
# this user can read it), the variable is removed so no child process inherits the key, and the
# command runs in this process's place. Nothing here prints the key: no `set -x`, no echo of it.
set -euo pipefail

DEFAULT_KEY_PATH=/opt/dagster/secrets/snowflake_key.p8

if [[ $# -eq 0 ]]; then
    echo "entrypoint.sh: no command given (e.g. dagster-webserver, dagster-daemon run)" >&2
    exit 64
fi

if [[ -n "${SNOWFLAKE_PRIVATE_KEY:-}" ]]; then
    export SNOWFLAKE_PRIVATE_KEY_PATH="${SNOWFLAKE_PRIVATE_KEY_PATH:-$DEFAULT_KEY_PATH}"
    key_dir="$(dirname -- "$SNOWFLAKE_PRIVATE_KEY_PATH")"
    (umask 077 && mkdir -p -- "$key_dir")
    # mktemp creates the file 0600 before the key is in it, and the rename replaces an older
    # file (whatever its mode) in one step: no reader ever sees a partial or readable key.
    key_tmp="$(mktemp -- "$key_dir/.snowflake_key.XXXXXX")"
    printf '%s' "$SNOWFLAKE_PRIVATE_KEY" >"$key_tmp"
    mv -f -- "$key_tmp" "$SNOWFLAKE_PRIVATE_KEY_PATH"
    unset SNOWFLAKE_PRIVATE_KEY
fi

exec "$@"
