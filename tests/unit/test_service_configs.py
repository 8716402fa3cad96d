"""Each service's own knobs, read from the same environment variables as when Settings held
them (docs/operations.md)."""

from __future__ import annotations

import pytest

from services.decision_log.config import DecisionLogConfig
from services.explainer.bootstrap import ExplainerConfig
from shared.config import ConfigurationError, Settings

BASE = {"EXPLICITE_SECRET_KEY": "x" * 40, "EXPLICITE_PUBLIC_URL": "https://ex.test/explicite/"}


def test_decision_log_reads_its_transparency_log_and_access_code_knobs() -> None:
    env = {
        **BASE,
        "EXPLICITE_LOG_KEY_FILE": " new.key, old.key ",
        "EXPLICITE_LOG_CHECKPOINT_SECONDS": "2.5",
        "EXPLICITE_LOG_ORIGIN": "log.ex.test/",
        "EXPLICITE_ACCESS_CODE_KEYS": f"k2:{'b' * 32},k1:{'a' * 32}",
    }
    config = DecisionLogConfig.from_env(Settings.from_env(env), env)
    assert config.log_key_files == ("new.key", "old.key")
    assert config.log_checkpoint_seconds == 2.5
    assert config.log_origin_for("ville-exemple") == "log.ex.test/ville-exemple"
    assert list(config.code_keys("ignored")) == ["k2", "k1"]
    assert not hasattr(Settings.from_env(env), "log_key_files")


def test_decision_log_defaults_name_the_log_after_the_public_url() -> None:
    settings = Settings.from_env(BASE)
    config = DecisionLogConfig.from_env(settings, BASE)
    assert config.log_origin_for("ville-exemple") == "ex.test/explicite/log/ville-exemple"
    assert (config.log_key_files, config.log_checkpoint_seconds) == ((), 60.0)
    assert config.future_tolerance_seconds == 300
    [derived] = config.code_keys(settings.secret_key).values()
    assert derived != settings.secret_key and len(derived) >= 32


@pytest.mark.parametrize("keys", ["k1:short", f"k-1:{'a' * 32}", f":{'a' * 32}"])
def test_decision_log_refuses_malformed_access_code_keys(keys: str) -> None:
    env = {**BASE, "EXPLICITE_ACCESS_CODE_KEYS": keys}
    with pytest.raises(ConfigurationError, match="EXPLICITE_ACCESS_CODE_KEYS"):
        DecisionLogConfig.from_env(Settings.from_env(env), env)


def test_the_explainer_reads_the_accessibility_statements_own_knobs() -> None:
    env = {
        **BASE,
        "EXPLICITE_ACCESSIBILITY_AUDIT": "Audit du 3 mars 2027 : 87 % des critères.",
        "EXPLICITE_ACCESSIBILITY_CONTACT": "accessibilite@ex.test",
        "EXPLICITE_ACCESSIBILITY_PUBLISHER": "La Ville d'Exemple",
    }
    config = ExplainerConfig.from_env(env)
    assert config.accessibility_audit.startswith("Audit du 3 mars 2027")
    assert config.accessibility_contact == "accessibilite@ex.test"
    # The status (every footer) and the publisher (the register's exports too) stay shared.
    assert Settings.from_env(env).accessibility_publisher == "La Ville d'Exemple"
    assert not hasattr(Settings.from_env(env), "accessibility_audit")
