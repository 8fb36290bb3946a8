"""The [sagemaker] config section and its training templates."""

from __future__ import annotations

import pytest

from hybridml.config import ConfigError, parse_settings


def test_training_templates_parse() -> None:
    settings = parse_settings(
        {
            "sagemaker": {
                "metrics_window": "24h",
                "training_templates": {"bigger": {"instance_type": "ml.g5.2xlarge", "hyperparameters": {"lr": "0.01"}}},
            }
        }
    )
    template = settings.sagemaker.training_templates["bigger"]
    assert template.instance_type == "ml.g5.2xlarge" and template.hyperparameters == {"lr": "0.01"}
    assert settings.sagemaker.metrics_window == "24h"


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"training_templates": {"x": {"instance_count": 0}}}, "sagemaker.training_templates.x.instance_count"),
        ({"training_templates": {"x": {"typo": 1}}}, "unknown key"),
        ({"metrics_window": "2h"}, "sagemaker.metrics_window"),
    ],
)
def test_bad_sagemaker_config_names_the_key(section: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        parse_settings({"sagemaker": section})
