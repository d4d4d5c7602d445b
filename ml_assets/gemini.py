"""One Gemini call through google-genai, with its retries and an error a person can act on.

google-genai is imported inside the functions: loading the code location (and every run that
does not call Gemini) never pays for it.

Errors fall in two kinds. A rejected key (400 API_KEY_INVALID, 401, 403) or an unknown model
(404) will fail every call the same way, so it is a :class:`GeminiConfigurationError`: the run
stops and says which variable to fix, rather than publishing a table of fallbacks that looks
fine. Anything else (429 or 5xx still failing after the retries, a timeout, a refused
connection, an empty or blocked answer) is a :class:`GeminiCallFailed` for that one summary,
and the caller falls back to the deterministic summary.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

DEFAULT_MODEL = "gemini-2.5-flash"
DEFAULT_MAX_CALLS = 50
# Statuses worth retrying: rate limited, timed out, or the service failing for a moment.
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)


@dataclass(frozen=True)
class GeminiConfig:
    api_key: str = field(repr=False)  # never printed or logged
    model: str = DEFAULT_MODEL
    max_calls: int = DEFAULT_MAX_CALLS  # per run; beyond it rows get the deterministic summary
    # Tests point this at a local server that speaks the Gemini REST API; None is Google's.
    base_url: str | None = None
    timeout_seconds: float = 60.0
    # Per call, the first attempt included: exponential backoff with jitter from
    # initial_delay up to max_delay seconds (google-genai's own retry, tenacity underneath).
    attempts: int = 4
    initial_delay: float = 2.0
    max_delay: float = 30.0
    jitter: float = 1.0

    @property
    def generator(self) -> str:
        return f"gemini:{self.model}"


class GeminiConfigurationError(RuntimeError):
    """Gemini rejected the key or does not know the model: every call would fail alike."""


class GeminiCallFailed(RuntimeError):
    """One call failed after its retries; ``code`` is the HTTP status when there was one."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code

    @property
    def label(self) -> str:
        return str(self.code) if self.code else "no-response"


def make_client(config: GeminiConfig):
    from google import genai
    from google.genai import types

    options = types.HttpOptions(
        base_url=config.base_url,
        # Pinned, so the path is ours and not GOOGLE_GENAI_API_VERSION's or a new SDK
        # default's: v1beta is the version Google's Gemini API reference documents.
        api_version="v1beta",
        timeout=int(config.timeout_seconds * 1000),  # milliseconds
        retry_options=types.HttpRetryOptions(
            attempts=config.attempts,
            initial_delay=config.initial_delay,
            max_delay=config.max_delay,
            jitter=config.jitter,
            http_status_codes=list(RETRY_STATUSES),
        ),
    )
    # vertexai=False: a GOOGLE_GENAI_USE_VERTEXAI left in the environment must not reroute us.
    return genai.Client(api_key=config.api_key, vertexai=False, http_options=options)


def generate(client, config: GeminiConfig, *, system: str, prompt: str, settings: dict) -> str:
    """The model's text for one prompt; raises GeminiConfigurationError or GeminiCallFailed."""
    from google.genai import errors, types

    request_config = types.GenerateContentConfig(system_instruction=system, **settings)
    try:
        response = client.models.generate_content(
            model=config.model, contents=prompt, config=request_config
        )
    except errors.APIError as error:
        raise _classified(error, config) from error
    except _transport_errors() as error:
        raise GeminiCallFailed(f"{type(error).__name__}: {error}") from error
    text = (response.text or "").strip()
    if not text:
        reason = _finish_reason(response)
        raise GeminiCallFailed(f"empty answer (finish reason: {reason})")
    return text


def _classified(error, config: GeminiConfig) -> Exception:
    code = int(error.code or 0)
    detail = f"{code} {error.status or ''}: {error.message or ''}".strip()
    key_rejected = code in (401, 403) or (
        code == 400 and "API_KEY" in f"{error.details}".upper() + (error.message or "").upper()
    )
    if key_rejected:
        return GeminiConfigurationError(
            f"Gemini rejected the API key ({detail}). Set GEMINI_API_KEY to a valid key, or "
            "MINDPULSE_LLM=off for deterministic summaries. Nothing was written: "
            "ml.reddit_insights keeps its previous rows."
        )
    if code == 404:
        return GeminiConfigurationError(
            f"Gemini does not know the model {config.model!r} ({detail}). Set "
            "MINDPULSE_GEMINI_MODEL to an available model such as "
            f"{DEFAULT_MODEL!r}. Nothing was written: ml.reddit_insights keeps its previous rows."
        )
    return GeminiCallFailed(f"Gemini call failed: {detail}", code=code or None)


def _transport_errors() -> tuple[type[BaseException], ...]:
    """httpx's and httpx2's transport errors (google-genai uses whichever is installed)."""
    found: list[type[BaseException]] = []
    for name in ("httpx", "httpx2"):
        try:
            found.append(importlib.import_module(name).TransportError)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def _finish_reason(response) -> str:
    candidates = response.candidates or []
    if candidates and candidates[0].finish_reason:
        return str(candidates[0].finish_reason)
    feedback = response.prompt_feedback
    if feedback and feedback.block_reason:
        return f"prompt blocked: {feedback.block_reason}"
    return "none given"
