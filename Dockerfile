# syntax=docker/dockerfile:1
# The MindPulse production image. The Dagster webserver, the Dagster daemon and every run task
# (ECS Fargate, dagster-aws's EcsRunLauncher) start from this one image; only the command
# differs. How to build, push and run it: orchestration/deploy/README.md.
FROM python:3.11.14-slim-bookworm

LABEL org.opencontainers.image.title="mindpulse" \
      org.opencontainers.image.description="MindPulse Dagster code location, webserver and daemon"

# The uv the Makefile bootstraps (uv==0.13.9), so the image installs what `make run` installs.
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /uvx /usr/local/bin/

# UV_PYTHON_DOWNLOADS=never: the image's own Python 3.11, never an interpreter uv downloads.
# UV_LINK_MODE=copy: the uv cache is a build-time mount, so hard links into it would dangle.
# PYTHONDONTWRITEBYTECODE: bytecode is compiled below; at run time the code is read-only.
# The data folder (dbt's invocation folders, logs) is a writable folder outside the code;
# landing files go to S3 in production (MINDPULSE_LANDING_BUCKET).
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=python3.11 \
    UV_LINK_MODE=copy \
    DBT_SEND_ANONYMOUS_USAGE_STATS=false \
    DAGSTER_HOME=/opt/dagster/dagster_home \
    MINDPULSE_DATA_DIR=/opt/dagster/data \
    PATH=/opt/dagster/app/.venv/bin:$PATH

# A user of its own (numeric, so a platform can tell it is not root without /etc/passwd). The
# code stays root-owned and read-only to it: it writes only the Dagster instance folder, the
# data folder and the folder the entrypoint writes the Snowflake key into.
RUN groupadd --system --gid 10001 dagster \
 && useradd --system --uid 10001 --gid dagster --create-home --home-dir /home/dagster dagster \
 && mkdir -p "$DAGSTER_HOME" "$MINDPULSE_DATA_DIR" /opt/dagster/secrets \
 && chown dagster:dagster "$DAGSTER_HOME" "$MINDPULSE_DATA_DIR" /opt/dagster/secrets \
 && chmod 0700 /opt/dagster/secrets

WORKDIR /opt/dagster/app

# Dependencies from the lockfile alone: this layer is rebuilt only when they change.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-project --compile-bytecode

# The code, folder by folder: there is no .dockerignore, so data/, .venv/, tests/ and the
# host's dbt target/ and logs/ stay out because nothing copies them. README.md is package
# metadata (pyproject.toml names it as the readme; hatchling refuses to build without it).
COPY README.md ./
COPY orchestration ./orchestration
COPY extract ./extract
COPY ml_assets ./ml_assets
COPY dashboard ./dashboard
COPY dbt_project/dbt_project.yml dbt_project/profiles.yml ./dbt_project/
COPY dbt_project/models ./dbt_project/models
COPY dbt_project/macros ./dbt_project/macros
COPY dbt_project/seeds ./dbt_project/seeds
COPY dbt_project/tests ./dbt_project/tests
# The project's own code is installed editable, so its bytecode is compiled here too (the run
# user cannot write __pycache__ next to it). The chmod does not rely on the build context
# keeping the entrypoint's executable bit.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --compile-bytecode \
 && python -m compileall -q orchestration extract ml_assets dashboard \
 && chmod 0755 orchestration/deploy/entrypoint.sh

# The dbt manifest, prepared once here so the code location never parses dbt at start-up. The
# profile's default target (duckdb: MINDPULSE_WAREHOUSE is unset at build time) parses without
# credentials; at run time dbt re-parses for the Snowflake target in its own invocation folder.
RUN cd dbt_project && dbt parse --quiet && rm -rf logs

COPY orchestration/deploy/dagster.yaml ${DAGSTER_HOME}/dagster.yaml

USER 10001:10001
EXPOSE 3000

# Writes the Snowflake key from the environment to a 0600 file, then runs the command.
ENTRYPOINT ["/opt/dagster/app/orchestration/deploy/entrypoint.sh"]
# The daemon runs `dagster-daemon run -w orchestration/deploy/workspace.yaml`; run tasks get
# `dagster api execute_run ...` from the run launcher.
CMD ["dagster-webserver", "-h", "0.0.0.0", "-p", "3000", "-w", "orchestration/deploy/workspace.yaml"]
