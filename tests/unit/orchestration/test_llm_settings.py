"""The LLM settings: off by default, Gemini only with a key, the key never printed."""

from __future__ import annotations

import pytest

from orchestration.insight_assets import gemini_config
from orchestration.settings import ConfigurationError, load_settings

KEY = "AIza-secret-test-key"


def test_off_by_default_and_a_key_alone_changes_nothing():
    for env in ({}, {"GEMINI_API_KEY": KEY}, {"MINDPULSE_LLM": " OFF "}):
        settings = load_settings(env)
        assert settings.llm == "off"
        assert gemini_config(settings) is None
    defaults = load_settings({})
    assert (defaults.gemini_model, defaults.llm_max_calls) == ("gemini-2.5-flash", 50)


def test_gemini_with_a_key_model_and_cap():
    settings = load_settings(
        {
            "MINDPULSE_LLM": "gemini",
            "GEMINI_API_KEY": KEY,
            "MINDPULSE_GEMINI_MODEL": "gemini-2.5-pro",
            "MINDPULSE_LLM_MAX_CALLS": "0",  # cached answers only
        }
    )
    config = gemini_config(settings)
    assert (config.model, config.max_calls, config.api_key) == ("gemini-2.5-pro", 0, KEY)
    assert config.generator == "gemini:gemini-2.5-pro"
    assert config.base_url is None  # Google's own endpoint
    # The key appears in no repr: not the settings', not the config's.
    assert KEY not in repr(settings) and KEY not in repr(config)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MINDPULSE_LLM": "gemini"}, "MINDPULSE_LLM=gemini needs GEMINI_API_KEY"),
        ({"MINDPULSE_LLM": "gemini", "GEMINI_API_KEY": "  "}, "needs GEMINI_API_KEY"),
        ({"MINDPULSE_LLM": "openai"}, "MINDPULSE_LLM='openai' is not supported"),
        ({"MINDPULSE_LLM_MAX_CALLS": "-1"}, "MINDPULSE_LLM_MAX_CALLS='-1' must be a whole"),
        ({"MINDPULSE_LLM_MAX_CALLS": "many"}, "0 uses cached answers only"),
    ],
)
def test_clear_errors(env, message):
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
        load_settings(env)
