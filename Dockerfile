# syntax=docker/dockerfile:1.7
#
# One image for all four partnerops services. Pick the service with the
# command, e.g.
#
#   docker build -t partnerops:latest .
#   docker run --rm -e PARTNEROPS_KAFKA__BOOTSTRAP_SERVERS=... \
#       partnerops:latest python -m services.onboarding
#
# (onboarding | porting | notifications | support). docker-compose.yml and
# deploy/k8s/ do exactly that. Dependencies come from uv.lock only
# (`uv sync --frozen`): the image never resolves versions on its own.

ARG PYTHON_VERSION=3.11
ARG UV_VERSION=0.13.9

FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

# ---------------------------------------------------------------- build
FROM python:${PYTHON_VERSION}-slim AS build

COPY --from=uv /uv /uvx /usr/local/bin/

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# 1) third-party dependencies only: this layer is rebuilt only when
#    pyproject.toml or uv.lock change.
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    uv sync --frozen --no-dev --no-install-project

# 2) the project itself, installed as a regular (non-editable) package so
#    the runtime stage needs nothing but the virtualenv.
COPY pyproject.toml uv.lock README.md ./
COPY shared ./shared
COPY services ./services
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

# -------------------------------------------------------------- runtime
FROM python:${PYTHON_VERSION}-slim AS runtime

LABEL org.opencontainers.image.title="partnerops" \
      org.opencontainers.image.description="partnerops services: onboarding, porting, notifications, support"

RUN groupadd --system --gid 10001 partnerops \
    && useradd --system --uid 10001 --gid partnerops --no-create-home \
       --home-dir /app --shell /usr/sbin/nologin partnerops

WORKDIR /app
COPY --from=build --chown=partnerops:partnerops /app/.venv /app/.venv

ENV PATH=/app/.venv/bin:$PATH \
    VIRTUAL_ENV=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

USER 10001:10001

# Health/metrics ports of the services (each service listens on its own:
# ONBOARDING_HTTP_PORT 8081, PORTING_HTTP_PORT 8082,
# NOTIFICATIONS_HTTP_PORT 8083, SUPPORT_HTTP_PORT 8084).
EXPOSE 8081 8082 8083 8084

# Sanity check that the install is importable; no service is started by
# default: override the command with `python -m services.<name>`.
CMD ["python", "-c", "import services, shared; print('partnerops image: run `python -m services.<onboarding|porting|notifications|support>`')"]
