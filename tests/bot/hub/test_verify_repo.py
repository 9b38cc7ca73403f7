"""Verdicts on figures about one repo, against RepoFacts built from the Hub's own JSON.

Every rule is tested with a true and a false claim, and each special case with
the claim it exists for: remove the rule and its row fails.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.hub.repo_facts import RepoFacts
from bot.hub.verify import ClaimFacts
from bot.hub.verify_repo import (
    RULES,
    claim_interval,
    normalise_licence,
    verify_metadata,
    written_precision,
)
from bot.store.models import VerdictStatus
from extractors.vocabulary import METADATA_METRICS, Link

S = VerdictStatus.SUPPORTED
C = VerdictStatus.CONTRADICTED
U = VerdictStatus.UNVERIFIABLE
FETCHED = datetime(2025, 6, 1, 12, tzinfo=UTC)
INF = float("inf")


def hub(data: dict[str, Any]) -> RepoFacts:
    return RepoFacts.from_hub(data, FETCHED)


DEEPSEEK_V3 = hub(
    {
        "id": "deepseek-ai/DeepSeek-V3",
        "safetensors": {
            "parameters": {"BF16": 3_918_786_560, "F8_E4M3": 680_571_043_840, "F32": 41_555_600},
            "total": 684_531_386_000,
        },
        "config": {
            "architectures": ["DeepseekV3ForCausalLM"],
            "model_type": "deepseek_v3",
            "hidden_size": 7168,
            "num_hidden_layers": 61,
            "num_nextn_predict_layers": 1,
            "n_routed_experts": 256,
            "n_shared_experts": 1,
            "num_experts_per_tok": 8,
            "vocab_size": 129280,
            "max_position_embeddings": 163840,
            "rope_scaling": {
                "type": "yarn",
                "factor": 40,
                "original_max_position_embeddings": 4096,
            },
            "quantization_config": {"quant_method": "fp8", "fmt": "e4m3"},
        },
        "createdAt": "2024-12-25T03:00:00.000Z",
        "usedStorage": 688_586_727_753,
        "childrenModelCount": 85,
        "cardData": {"license": "other", "license_name": "deepseek"},
        "tags": ["license:other"],
    }
)
LLAMA_31_8B = hub(
    {
        "id": "meta-llama/Llama-3.1-8B",
        "safetensors": {"parameters": {"BF16": 8_030_261_248}, "total": 8_030_261_248},
        "config": {
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "hidden_size": 4096,
            "intermediate_size": 14336,
            "num_hidden_layers": 32,
            "num_attention_heads": 32,
            "vocab_size": 128256,
            "max_position_embeddings": 131072,
            "rope_scaling": {
                "factor": 8.0,
                "low_freq_factor": 1.0,
                "high_freq_factor": 4.0,
                "original_max_position_embeddings": 8192,
                "rope_type": "llama3",
            },
        },
        "createdAt": "2024-07-14T00:00:00.000Z",
        "usedStorage": 32_121_045_844,
        "childrenModelCount": 1200,
        "cardData": {"license": "llama3.1", "base_model": None},
        "tags": ["license:llama3.1"],
    }
)
QWEN25_7B_INSTRUCT = hub(
    {
        "id": "Qwen/Qwen2.5-7B-Instruct",
        "safetensors": {"parameters": {"BF16": 7_615_616_512}, "total": 7_615_616_512},
        "config": {
            "architectures": ["Qwen2ForCausalLM"],
            "model_type": "qwen2",
            "hidden_size": 3584,
            "num_hidden_layers": 28,
            "vocab_size": 152064,
            "max_position_embeddings": 32768,
            "rope_scaling": None,
            "sliding_window": 131072,
            "use_sliding_window": False,
        },
        "createdAt": "2024-09-16T11:55:40.000Z",
        "usedStorage": 15_231_271_864,
        "childrenModelCount": 900,
        "cardData": {"license": "apache-2.0"},
    }
)
MULTIMODAL = hub(
    {
        "id": "llava-hf/llava-1.5-7b-hf",
        "safetensors": {"parameters": {"F16": 7_063_427_072}, "total": 7_063_427_072},
        "config": {
            "architectures": ["LlavaForConditionalGeneration"],
            "model_type": "llava",
            "text_config": {
                "model_type": "llama",
                "hidden_size": 4096,
                "num_hidden_layers": 32,
                "vocab_size": 32064,
                "max_position_embeddings": 4096,
            },
            "vision_config": {"hidden_size": 1024, "num_hidden_layers": 24},
        },
        "cardData": {"license": "llama2"},
    }
)
# A wrapper that states a figure of its own beside the language model's.
TWO_FIGURES = hub(
    {
        "id": "acme/vlm-9b",
        "config": {
            "architectures": ["AcmeForConditionalGeneration"],
            "hidden_size": 1152,
            "text_config": {"hidden_size": 3584, "num_hidden_layers": 42},
        },
    }
)
GPTQ = hub(
    {
        "id": "hugging-quants/Meta-Llama-3.1-8B-Instruct-GPTQ-INT4",
        "safetensors": {
            "parameters": {"I32": 880_000_000, "F16": 1_050_000_000},
            "total": 1_930_000_000,
        },
        "config": {
            "architectures": ["LlamaForCausalLM"],
            "hidden_size": 4096,
            "num_hidden_layers": 32,
            "quantization_config": {"quant_method": "gptq", "bits": 4, "group_size": 128},
        },
        "usedStorage": 5_730_000_000,
    }
)
KIMI_K2_THINKING = hub(
    {
        "id": "moonshotai/Kimi-K2-Thinking",
        "safetensors": {
            "parameters": {"I32": 127_992_823_808, "BF16": 34_556_329_984, "F32": 33_953_280},
            "total": 162_583_107_072,
        },
        "config": {
            "architectures": ["DeepseekV3ForCausalLM"],
            "quantization_config": {
                "quant_method": "compressed-tensors",
                "config_groups": {"group_0": {"weights": {"num_bits": 4, "type": "int"}}},
            },
        },
        "usedStorage": 594_000_000_000,
    }
)


MODEL_INDEX = [
    {
        "name": "Acme-7B",
        "results": [
            {
                "task": {"type": "text-generation"},
                "dataset": {
                    "name": "MMLU (5-Shot)",
                    "type": "cais/mmlu",
                    "config": "all",
                    "args": {"num_few_shot": 5},
                },
                "metrics": [{"type": "acc", "value": 66.5, "name": "accuracy"}],
            },
            {
                "dataset": {
                    "name": "MMLU-PRO (5-shot)",
                    "type": "TIGER-Lab/MMLU-Pro",
                    "args": {"num_few_shot": 5},
                },
                "metrics": [{"type": "acc", "value": 35.2}],
            },
            {
                "dataset": {"name": "GPQA", "type": "Idavidrein/gpqa", "config": "gpqa_diamond"},
                "metrics": [{"type": "acc", "value": 0.312}],
            },
            {
                "dataset": {"name": "HellaSwag (10-Shot)", "type": "hellaswag"},
                "metrics": [
                    {"type": "acc", "value": 82.1},
                    {"type": "acc_norm", "value": 84.0},
                    {"type": "acc_stderr", "value": 0.4},
                ],
            },
            {
                "dataset": {"name": "GSM8K", "type": "gsm8k", "config": "main"},
                "metrics": [{"type": "acc", "value": 71}],
            },
        ],
    }
]
CARD_SCORES = hub(
    {
        "id": "acme/Acme-7B",
        "config": {"architectures": ["LlamaForCausalLM"]},
        "cardData": {"license": "mit", "model-index": MODEL_INDEX},
    }
)


def facts_with(base: RepoFacts, **changes: Any) -> RepoFacts:
    """A variant of a repo's Hub JSON: config keys merged, other fields replaced."""
    data = {
        "id": base.repo_id,
        "safetensors": {"parameters": base.params_by_dtype, "total": base.params_total},
        "config": {**base.config, **changes.pop("config", {})},
        "createdAt": base.created_at.isoformat() if base.created_at else None,
        "usedStorage": base.used_storage,
        "childrenModelCount": base.children,
        "cardData": {"license": base.license},
    }
    data.update(changes)
    return hub(data)


def claim(
    metric: str,
    value: Any,
    text: str,
    facts: RepoFacts | None = None,
    qualifier: str | None = None,
    **kw: Any,
) -> ClaimFacts:
    hub_id = kw.pop("hub_id", facts.repo_id if facts else "deepseek-ai/DeepSeek-V3")
    return ClaimFacts(
        text=text,
        value=value,
        unit=kw.pop("unit", "count"),
        metric=metric,
        qualifier=qualifier,
        subject=kw.pop("subject", hub_id.split("/")[-1]),
        subject_hub_id=hub_id,
        sentence=kw.pop("sentence", f"It has {text}."),
        published_at=kw.pop("published_at", FETCHED - timedelta(hours=6)),
        subject_link=kw.pop("link", Link.REPO),
        detail=kw.pop("detail", None),
    )


def check(
    facts: RepoFacts, metric: str, value: Any, text: str, qualifier: str | None = None, **kw: Any
):
    return verify_metadata(claim(metric, value, text, facts, qualifier, **kw), facts)


def assert_verdict(verdict, status, field, hub_value, fragment):
    assert verdict.status is status, verdict.reason
    assert verdict.hub_field == field
    if hub_value is not ...:
        assert verdict.hub_value == hub_value
    assert fragment in verdict.reason, verdict.reason


# -- the precision helper --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "half"),
    [
        ("671B", 671e9, 0.5e9),
        ("1.5B", 1.5e9, 0.05e9),
        ("128K", 128_000, 500),
        ("128K", 131_072, 512),  # an extractor that read K as 1,024
        ("7 billion parameters", 7e9, 0.5e9),
        ("61 layers", 61, 0.5),
        ("151,646 tokens", 151_646, 0.5),
        ("1,5 Mrd. Parameter", 1.5e9, 0.05e9),  # a decimal comma
        ("1.3 TB", 1.3e12, 0.05e12),
        ("88.5%", 88.5, 0.05),
        ("88.5%", 0.885, 0.0005),  # a percentage given as a fraction
        ("Llama 3.1 405B", 405e9, 0.5e9),  # the number that makes the value, not "3.1"
        ("seven billion parameters", 7e9, 0.5e9),  # no digits: the value's last digit
        ("eight experts", 8, 0.5),
        ("2.25 trillion", 2.25e12, 0.005e12),
    ],
)
def test_written_precision_is_half_a_unit_of_the_last_written_digit(text, value, half):
    assert written_precision(text, value) == pytest.approx(half)


@pytest.mark.parametrize(
    ("text", "value", "qualifier", "interval"),
    [
        ("671B", 671e9, None, (670.5e9, 671.5e9)),
        ("671B", 671e9, "approx", (637.45e9, 704.55e9)),  # about: at least 5%
        ("1.5B", 1.5e9, "approx", (1.425e9, 1.575e9)),
        ("61 layers", 61, "approx", (57.95, 64.05)),
        ("600B", 600e9, "more_than", (600e9, INF)),
        ("10B", 10e9, "less_than", (0, 10e9)),
        ("10B", 10e9, "up_to", (0, 10e9)),
        ("7B to 8B", [8e9, 7e9], None, (7e9, 8e9)),
    ],
)
def test_claim_interval_reads_the_qualifier_and_the_precision(text, value, qualifier, interval):
    low, high = claim_interval(claim("params_total", value, text, qualifier=qualifier))
    assert (low, high) == pytest.approx(interval)


def test_every_metadata_metric_has_a_rule():
    assert set(RULES) == METADATA_METRICS


# -- parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "value", "text", "qualifier", "status", "fragment"),
    [
        # DeepSeek-V3: 671B claimed, 684.5B stored (the MTP module and FP8 scales)
        (DEEPSEEK_V3, 671e9, "671B", None, S, "a total up to 10% above the claim supports it"),
        (DEEPSEEK_V3, 685e9, "685B", None, S, "within the claim's precision"),
        (DEEPSEEK_V3, 600e9, "600 billion", "more_than", S, "within the claim's precision"),
        (DEEPSEEK_V3, 600e9, "600 billion", None, U, "too little to be sure"),
        (DEEPSEEK_V3, 1.2e12, "1.2 trillion", None, C, "more than 25% below the claim"),
        (DEEPSEEK_V3, 400e9, "400 billion", "up_to", C, "more than 50% above the claim"),
        (LLAMA_31_8B, 8e9, "8 billion", None, S, "within the claim's precision"),
        (LLAMA_31_8B, 8e9, "8B", "approx", S, "within the claim's precision"),
        (LLAMA_31_8B, 70e9, "70 billion", None, C, "more than 25% below the claim"),
        (LLAMA_31_8B, 1e9, "1B", None, C, "more than 50% above the claim"),
        (LLAMA_31_8B, 6e9, "6 billion", None, U, "more than rounding or extra tensors explain"),
        (QWEN25_7B_INSTRUCT, [7e9, 8e9], "7-8B", None, S, "within the claim's precision"),
    ],
)
def test_params_total_against_safetensors_total(facts, value, text, qualifier, status, fragment):
    verdict = check(facts, "params_total", value, text, qualifier, unit="parameters")
    assert_verdict(verdict, status, "safetensors.total", facts.params_total, fragment)


def test_the_reason_gives_the_figure_the_scope_the_claim_and_why():
    verdict = check(DEEPSEEK_V3, "params_total", 671e9, "671B", unit="parameters")
    assert verdict.reason.startswith(
        "Hub safetensors.total: 684.5 billion parameters (Hugging Face, repo "
        "deepseek-ai/DeepSeek-V3, 2025-06-01); the claim says 671 billion parameters; "
        "the Hub counts every tensor in the checkpoint"
    )
    assert verdict.repo == "deepseek-ai/DeepSeek-V3"
    assert verdict.scope == "Hugging Face, repo deepseek-ai/DeepSeek-V3"
    assert verdict.as_of == FETCHED


@pytest.mark.parametrize(
    ("facts", "fragment"),
    [
        # 8B claimed, 1.93B counted: packed int4 would otherwise contradict it
        (GPTQ, "packed into integers, so the Hub's total undercounts"),
        (facts_with(LLAMA_31_8B, safetensors=None), "no safetensors weights"),
    ],
)
def test_a_total_that_is_no_count_is_unverifiable(facts, fragment):
    verdict = check(facts, "params_total", 8e9, "8 billion", unit="parameters")
    assert_verdict(verdict, U, "safetensors.total", facts.params_total, fragment)


@pytest.mark.parametrize(
    ("facts", "value", "text", "status", "fragment"),
    [
        (LLAMA_31_8B, 8e9, "8 billion", S, "a dense model: active = total"),
        (LLAMA_31_8B, 20e9, "20 billion", C, "more than 25% below the claim"),
        # a far larger total does not contradict an active or "effective" count
        (LLAMA_31_8B, 2e9, "2 billion", U, "a larger total does not contradict it"),
        (DEEPSEEK_V3, 37e9, "37B", U, "the active count depends on routing"),
        (DEEPSEEK_V3, 671e9, "671B", U, "the active count depends on routing"),
        (
            facts_with(LLAMA_31_8B, config={"num_hidden_layers": None}),
            8e9,
            "8 billion",
            U,
            "does not show whether it is a dense model",
        ),
        (GPTQ, 8e9, "8 billion", U, "the Hub's total undercounts"),
    ],
)
def test_params_active_only_where_the_config_determines_it(facts, value, text, status, fragment):
    verdict = check(facts, "params_active", value, text, unit="parameters")
    assert_verdict(verdict, status, "safetensors.total", facts.params_total, fragment)


# -- context ---------------------------------------------------------------------------

QWEN3_8B = facts_with(
    QWEN25_7B_INSTRUCT,
    id="Qwen/Qwen3-8B",
    config={"max_position_embeddings": 40960, "sliding_window": None},
)
DECIMAL_128K = facts_with(
    QWEN25_7B_INSTRUCT, id="acme/ctx-128000", config={"max_position_embeddings": 128_000}
)
MISTRAL_7B = facts_with(
    QWEN25_7B_INSTRUCT,
    id="mistralai/Mistral-7B-v0.1",
    config={"sliding_window": 4096, "use_sliding_window": None},
)


@pytest.mark.parametrize(
    ("facts", "value", "text", "qualifier", "status", "fragment"),
    [
        # 128K is 131,072 read as 1,024s, and 128,000 is often 128K written out
        (LLAMA_31_8B, 128_000, "128K", None, S, "K read the other way"),
        (LLAMA_31_8B, 128_000, "128,000 tokens", None, S, "K read the other way"),
        (LLAMA_31_8B, 131_072, "131,072 tokens", None, S, "the config's limit matches"),
        (LLAMA_31_8B, 100_000, "100K", "more_than", S, "the config's limit matches"),
        (QWEN25_7B_INSTRUCT, 32_000, "32K", None, S, "K read the other way"),
        # an extractor that read 128K as 131,072: the other reading is 128,000
        (DECIMAL_128K, 131_072, "128K", None, S, "K read the other way"),
        (QWEN25_7B_INSTRUCT, 32_768, "32,768", None, S, "the config's limit matches"),
        # longer than the config: YaRN on the card, or set at inference
        (QWEN25_7B_INSTRUCT, 128_000, "128K", None, U, "the claim is longer than the config"),
        (DEEPSEEK_V3, 1_000_000, "1M", None, U, "the claim is longer than the config"),
        # shorter than a scaled config: the limit may be the scaled one
        (LLAMA_31_8B, 8_000, "8K", None, U, "llama3 RoPE scaling"),
        (DEEPSEEK_V3, 128_000, "128K", None, U, "yarn RoPE scaling"),
        # shorter than an unscaled, unwindowed limit, by more than half
        # a shorter claim is never contradicted: configs size the position table beyond
        # the trained context (Mistral-NeMo: 1,024,000 for an advertised 128K)
        (QWEN25_7B_INSTRUCT, 8_000, "8K", None, U, "the claim is below the config's limit"),
        (QWEN25_7B_INSTRUCT, 4_096, "4,096 tokens", None, U, "below the config's limit"),
        # ... but a sliding window can shorten it
        (MISTRAL_7B, 8_000, "8K", None, U, "sliding window (config.sliding_window = 4,096)"),
        # ... and a limit less than twice the claim may reserve room (Qwen3: 32K + 8K)
        (QWEN3_8B, 32_000, "32K", None, U, "reserve room beyond the advertised context"),
        (QWEN3_8B, 16_000, "16K", None, U, "below the config's limit"),
    ],
)
def test_context_length_against_the_config(facts, value, text, qualifier, status, fragment):
    verdict = check(facts, "context_length", value, text, qualifier, unit="tokens")
    assert_verdict(verdict, status, "config.max_position_embeddings", ..., fragment)
    assert f"this is repo {facts.repo_id}'s config" in verdict.reason


def test_context_of_a_multimodal_model_comes_from_its_text_config():
    verdict = check(MULTIMODAL, "context_length", 4096, "4,096-token", unit="tokens")
    assert_verdict(verdict, S, "config.text_config.max_position_embeddings", 4096, "matches")
    short = check(MULTIMODAL, "context_length", 1024, "1,024-token", unit="tokens")
    assert short.status is U and short.hub_field == "config.text_config.max_position_embeddings"


def test_a_config_without_a_context_figure_is_unverifiable():
    verdict = check(GPTQ, "context_length", 128_000, "128K", unit="tokens")
    assert verdict.status is U
    assert verdict.reason.startswith("the config names no context length")


# -- vocabulary, layers, hidden size ---------------------------------------------------

GEMMA = facts_with(QWEN25_7B_INSTRUCT, id="google/gemma-2-9b", config={"vocab_size": 262144})


@pytest.mark.parametrize(
    ("facts", "value", "text", "status", "fragment"),
    [
        (LLAMA_31_8B, 128_256, "128,256 tokens", S, "within the claim's precision"),
        (LLAMA_31_8B, 128_000, "128K", S, "within the claim's precision"),
        # Qwen's tokenizer has 151,646 tokens; the config pads to 152,064
        # ... which an exact count below the padded table can be neither shown nor refuted by
        (QWEN25_7B_INSTRUCT, 151_646, "151,646 tokens", U, "cannot be read from it"),
        (QWEN25_7B_INSTRUCT, 151_000, "151,000 tokens", S, "configs pad the embedding matrix"),
        (DEEPSEEK_V3, 128_000, "128K", S, "configs pad the embedding matrix"),
        (GEMMA, 256_000, "256K", S, "within the claim's precision"),  # 256 x 1,024
        (LLAMA_31_8B, 32_000, "32,000 tokens", C, "more than 10% away"),
        (LLAMA_31_8B, 200_000, "200,000 tokens", C, "more than 10% away"),
        (LLAMA_31_8B, 120_000, "120,000 tokens", U, "more than padding explains"),
        (LLAMA_31_8B, 130_000, "130,000 tokens", U, "more than padding explains"),
        (MULTIMODAL, 32_064, "32,064 tokens", S, "within the claim's precision"),
    ],
)
def test_vocab_size_against_the_config(facts, value, text, status, fragment):
    verdict = check(facts, "vocab_size", value, text, unit="tokens")
    field = "config.text_config.vocab_size" if facts is MULTIMODAL else "config.vocab_size"
    assert_verdict(verdict, status, field, facts.figure("vocab_size").value, fragment)


T5 = hub(
    {
        "id": "google-t5/t5-large",
        "config": {
            "architectures": ["T5ForConditionalGeneration"],
            "is_encoder_decoder": True,
            "d_model": 1024,
            "num_layers": 24,
            "num_decoder_layers": 24,
        },
    }
)


@pytest.mark.parametrize(
    ("facts", "value", "text", "qualifier", "status", "fragment"),
    [
        (LLAMA_31_8B, 32, "32 layers", None, S, "equal"),
        (LLAMA_31_8B, 30, "30 layers", "more_than", S, "equal"),
        (LLAMA_31_8B, 40, "40 layers", None, C, "a different count"),
        (LLAMA_31_8B, 31, "31 layers", None, C, "a different count"),
        (DEEPSEEK_V3, 61, "61 layers", None, S, "equal"),
        (DEEPSEEK_V3, 62, "62 layers", None, S, "plus config.num_nextn_predict_layers = 1"),
        (DEEPSEEK_V3, 60, "60 layers", None, U, "counts that include or leave out such layers"),
        (T5, 24, "24 layers", None, S, "equal"),
        (T5, 48, "48 layers", None, U, "an encoder-decoder config"),
        (MULTIMODAL, 32, "32 layers", None, S, "equal"),
        (MULTIMODAL, 40, "40 layers", None, C, "a different count"),
    ],
)
def test_layers_against_the_config(facts, value, text, qualifier, status, fragment):
    verdict = check(facts, "layers", value, text, qualifier)
    assert_verdict(
        verdict, status, facts.figure("layers").key, facts.figure("layers").value, fragment
    )


@pytest.mark.parametrize(
    ("facts", "value", "text", "status", "field", "fragment"),
    [
        (LLAMA_31_8B, 4096, "4,096", S, "config.hidden_size", "equal"),
        (LLAMA_31_8B, 5120, "5,120", C, "config.hidden_size", "a different size"),
        (DEEPSEEK_V3, 7168, "7,168", S, "config.hidden_size", "equal"),
        (T5, 1024, "1,024", S, "config.d_model", "equal"),
        (MULTIMODAL, 4096, "4,096", S, "config.text_config.hidden_size", "equal"),
        (MULTIMODAL, 1024, "1,024", C, "config.text_config.hidden_size", "a different size"),
        # the wrapper's 1,152 and the language model's 3,584: which one is meant?
        (TWO_FIGURES, 3584, "3,584", U, "config.hidden_size", "states two hidden size figures"),
        (TWO_FIGURES, 4096, "4,096", U, "config.hidden_size", "states two hidden size figures"),
    ],
)
def test_hidden_size_against_the_config(facts, value, text, status, field, fragment):
    verdict = check(facts, "hidden_size", value, text)
    assert_verdict(verdict, status, field, ..., fragment)


# -- experts ---------------------------------------------------------------------------

MIXTRAL = hub(
    {
        "id": "mistralai/Mixtral-8x7B-v0.1",
        "config": {
            "architectures": ["MixtralForCausalLM"],
            "hidden_size": 4096,
            "num_hidden_layers": 32,
            "num_local_experts": 8,
            "num_experts_per_tok": 2,
        },
    }
)
# Qwen1.5-MoE: 60 routed experts and four shared ones merged into one MLP, uncounted
QWEN_MOE = hub(
    {
        "id": "Qwen/Qwen1.5-MoE-A2.7B",
        "config": {
            "architectures": ["Qwen2MoeForCausalLM"],
            "hidden_size": 2048,
            "num_hidden_layers": 24,
            "num_experts": 60,
            "num_experts_per_tok": 4,
            "shared_expert_intermediate_size": 5632,
        },
    }
)
# DBRX keeps its experts in a nested ffn_config, under no key trendbot reads
DBRX = hub(
    {
        "id": "databricks/dbrx-base",
        "config": {
            "architectures": ["DbrxForCausalLM"],
            "d_model": 6144,
            "n_layers": 40,
            "ffn_config": {"moe_num_experts": 16, "moe_top_k": 4},
        },
    }
)
NO_CONFIG = hub({"id": "acme/gguf-only", "usedStorage": 4_920_000_000})
# No expert key trendbot reads, but experts all the same: nested, or in the name
NESTED_MOE = hub(
    {
        "id": "acme/nested-moe",
        "config": {
            "architectures": ["AcmeForCausalLM"],
            "hidden_size": 4096,
            "num_hidden_layers": 32,
            "ffn_config": {"moe_num_experts": 16},
        },
    }
)
NAMED_MOE = hub(
    {
        "id": "acme/named-moe",
        "config": {
            "architectures": ["AcmeMoeForCausalLM"],
            "hidden_size": 4096,
            "num_hidden_layers": 32,
        },
    }
)


@pytest.mark.parametrize(
    ("facts", "value", "text", "status", "field", "fragment"),
    [
        (DEEPSEEK_V3, 256, "256 experts", S, "config.n_routed_experts", "equal"),
        (DEEPSEEK_V3, 257, "257 experts", S, "config.n_routed_experts", "256 routed plus"),
        (DEEPSEEK_V3, 160, "160 experts", C, "config.n_routed_experts", "a different count"),
        (MIXTRAL, 8, "eight experts", S, "config.num_local_experts", "equal"),
        (MIXTRAL, 16, "16 experts", C, "config.num_local_experts", "a different count"),
        (QWEN_MOE, 60, "60 experts", S, "config.num_experts", "equal"),
        (QWEN_MOE, 64, "64 experts", U, "config.num_experts", "does not count them"),
        (QWEN_MOE, 32, "32 experts", C, "config.num_experts", "a different count"),
        (LLAMA_31_8B, 8, "eight experts", C, "config", "a dense model has no experts"),
        (DBRX, 16, "16 experts", U, "config", "does not clearly describe a dense model"),
        (NO_CONFIG, 8, "eight experts", U, "config", "does not clearly describe a dense model"),
        (NESTED_MOE, 16, "16 experts", U, "config", "does not clearly describe a dense model"),
        (NAMED_MOE, 16, "16 experts", U, "config", "does not clearly describe a dense model"),
    ],
)
def test_experts_total_against_the_config(facts, value, text, status, field, fragment):
    verdict = check(facts, "experts_total", value, text)
    assert_verdict(verdict, status, field, ..., fragment)


@pytest.mark.parametrize(
    ("facts", "value", "text", "status", "field", "fragment"),
    [
        (DEEPSEEK_V3, 8, "eight experts per token", S, "config.num_experts_per_tok", "equal"),
        (DEEPSEEK_V3, 9, "nine experts", S, "config.num_experts_per_tok", "8 routed plus"),
        (DEEPSEEK_V3, 2, "two experts", C, "config.num_experts_per_tok", "a different count"),
        (MIXTRAL, 2, "two experts", S, "config.num_experts_per_tok", "equal"),
        (MIXTRAL, 4, "four experts", C, "config.num_experts_per_tok", "a different count"),
        (QWEN_MOE, 8, "eight experts", U, "config.num_experts_per_tok", "does not count them"),
        (LLAMA_31_8B, 2, "two experts", U, "config", "the config names no experts active"),
    ],
)
def test_experts_active_against_the_config(facts, value, text, status, field, fragment):
    verdict = check(facts, "experts_active", value, text)
    assert_verdict(verdict, status, field, ..., fragment)


# -- sizes -----------------------------------------------------------------------------

LLAMA_WEIGHTS = 16_060_522_496  # 8,030,261,248 BF16 parameters


@pytest.mark.parametrize(
    ("value", "text", "qualifier", "sentence", "status", "field", "fragment"),
    [
        (16e9, "16GB", None, "", S, "safetensors.parameters", "the weights match"),
        (32e9, "32 GB", None, "", S, "usedStorage", "the whole repo matches"),
        # the weights named: the repo that holds them twice over does not support it
        (
            32e9,
            "32 GB",
            None,
            "Its BF16 weights take up about 32 GB.",
            U,
            "safetensors.parameters",
            "the gap proves nothing",
        ),
        (
            16e9,
            "16 GB",
            None,
            "Its BF16 weights take up about 16 GB.",
            S,
            "safetensors.parameters",
            "the weights match",
        ),
        # 16.06 GB is 14.96 GiB: "15GB" read as binary
        (15e9, "15GB", None, "", S, "safetensors.parameters", "the weights match"),
        (16.5e9, "16.5GB", None, "", S, "safetensors.parameters", "with 5% for rounding"),
        (10e9, "10GB", "more_than", "", S, "safetensors.parameters", "the weights match"),
        (5e9, "5GB", None, "", C, "safetensors.parameters", "below half of the weights"),
        (100e9, "100GB", None, "", C, "usedStorage", "above twice everything the repo stores"),
        (24e9, "24GB", None, "", U, "safetensors.parameters", "the gap proves nothing"),
        (
            5e9,
            "5GB",
            None,
            "The 4-bit version needs just 5GB of disk.",
            U,
            "safetensors.parameters",
            "a quantised copy",
        ),
        (
            5e9,
            "5GB",
            None,
            "Its GGUF files are 5GB.",
            U,
            "safetensors.parameters",
            "a quantised copy",
        ),
    ],
)
def test_storage_size_against_weights_and_used_storage(
    value, text, qualifier, sentence, status, field, fragment
):
    kw = {"sentence": sentence} if sentence else {}
    verdict = check(LLAMA_31_8B, "storage_size", value, text, qualifier, unit="bytes", **kw)
    assert_verdict(verdict, status, field, ..., fragment)
    assert verdict.hub_value in (LLAMA_WEIGHTS, LLAMA_31_8B.used_storage)


def test_storage_is_contradicted_only_when_the_weights_are_known():
    # usedStorage alone (a repo of GGUF files, say) never contradicts a size
    verdict = check(NO_CONFIG, "storage_size", 100e9, "100GB", unit="bytes")
    assert_verdict(verdict, U, "usedStorage", 4_920_000_000, "the gap proves nothing")
    fits = check(NO_CONFIG, "storage_size", 4.9e9, "4.9GB", unit="bytes")
    assert_verdict(fits, S, "usedStorage", 4_920_000_000, "the whole repo matches")


@pytest.mark.parametrize(("facts", "lower_bound"), [(LLAMA_31_8B, "16.1 GB"), (NO_CONFIG, None)])
def test_memory_is_never_judged_but_the_weights_bound_it(facts, lower_bound):
    for value in (16e9, 1e9, 500e9):
        verdict = check(facts, "memory", value, "16GB of VRAM", unit="bytes")
        assert verdict.status is U
        assert "depends on the runtime, precision and context length" in verdict.reason
        if lower_bound:
            assert f"a lower bound: its weights alone take {lower_bound}" in verdict.reason
            assert verdict.hub_value == LLAMA_WEIGHTS
        else:
            assert verdict.hub_value is None


@pytest.mark.parametrize(
    ("facts", "value", "status", "field", "fragment"),
    [
        (GPTQ, 4, S, "config.quantization_config.bits", "equal"),
        (GPTQ, 8, U, "config.quantization_config.bits", "another quantised release"),
        (LLAMA_31_8B, 4, U, "config.quantization_config", "states no quantisation bits"),
        # FP8 names its width: the repo's own weights are 8-bit
        (DEEPSEEK_V3, 8, S, "config.quantization_config.quant_method", "equal"),
        (DEEPSEEK_V3, 4, U, "config.quantization_config.quant_method", "another quantised"),
        (
            KIMI_K2_THINKING,
            4,
            S,
            "config.quantization_config.config_groups.weights.num_bits",
            "equal",
        ),
    ],
)
def test_quant_bits_support_or_stay_unverifiable(facts, value, status, field, fragment):
    verdict = check(facts, "quant_bits", value, f"{value}-bit", unit="bits")
    assert_verdict(verdict, status, field, ..., fragment)


# -- dates, licences, derivatives ------------------------------------------------------

GPT2 = hub({"id": "openai-community/gpt2", "createdAt": "2022-03-02T23:29:04.000Z"})


@pytest.mark.parametrize(
    ("facts", "value", "status", "fragment"),
    [
        # created 2024-12-25, announced 2024-12-26
        (DEEPSEEK_V3, "2024-12-26", S, "created within 14 days before 2024-12-26"),
        (DEEPSEEK_V3, "2024-12", S, "created in December 2024, at the precision"),
        (DEEPSEEK_V3, "2024", S, "created in 2024"),
        # a month or a year at its own precision: created a week before January 2025
        # does not make "released in January 2025" true (it was out in December)
        (DEEPSEEK_V3, "2025-01", U, "does not contradict it"),
        (DEEPSEEK_V3, "2025", U, "does not contradict it"),
        (DEEPSEEK_V3, "2024-12-24", S, "created within"),  # a day late: time zones
        (DEEPSEEK_V3, "2024-12-22", U, "does not contradict it"),  # created 3 days after
        (DEEPSEEK_V3, "2025-03", U, "does not contradict it"),  # created long before
        (DEEPSEEK_V3, "2024-06", U, "does not contradict it"),  # an upload after a release?
        (DEEPSEEK_V3, "2023", U, "does not contradict it"),
        # the Hub's migration day is no creation date
        (GPT2, "2022-03", U, "repos older than the Hub's 2022 migration"),
        (GPT2, "2019-02", U, "repos older than the Hub's 2022 migration"),
    ],
)
def test_release_date_against_created_at(facts, value, status, fragment):
    verdict = check(facts, "release_date", value, value, unit="date")
    assert_verdict(verdict, status, "createdAt", facts.created_at.isoformat(), fragment)


@pytest.mark.parametrize(
    ("facts", "value", "fragment"),
    [
        (DEEPSEEK_V3, "December 2024", "is not an ISO date"),
        (NO_CONFIG, "2025-01", "reports no creation date"),
    ],
)
def test_release_date_without_a_comparable_date(facts, value, fragment):
    verdict = check(facts, "release_date", value, value, unit="date")
    assert verdict.status is U
    assert fragment in verdict.reason


TAGGED_MIT = hub({"id": "acme/tagged", "tags": ["license:mit", "text-generation"]})
NO_LICENCE = hub({"id": "acme/unlicensed", "cardData": {}})


@pytest.mark.parametrize(
    ("facts", "value", "status", "fragment"),
    [
        (QWEN25_7B_INSTRUCT, "apache-2.0", S, "the same"),
        (QWEN25_7B_INSTRUCT, "Apache License 2.0", S, "the same"),
        (QWEN25_7B_INSTRUCT, "mit", C, "a different licence on the card as fetched"),
        (QWEN25_7B_INSTRUCT, "llama3.1", C, "licences can change"),
        (LLAMA_31_8B, "llama3.1", S, "the same"),
        (LLAMA_31_8B, "Llama 3.1 Community License", S, "the same"),
        (LLAMA_31_8B, "llama", S, "the claim gives no version"),
        (LLAMA_31_8B, "llama3", U, "another version or variant"),
        (LLAMA_31_8B, "apache-2.0", C, "a different licence"),
        (TAGGED_MIT, "MIT", S, "the same"),  # from the license: tag
        (TAGGED_MIT, "apache-2.0", C, "a different licence"),
        # "license: other" with a license_name: the card names its own licence
        (DEEPSEEK_V3, "mit", C, "the card names a licence of its own"),
        (DEEPSEEK_V3, "deepseek", S, "the licence the card names for itself"),
        (DEEPSEEK_V3, "other", U, "'other'"),
        (QWEN25_7B_INSTRUCT, "other", U, "names no licence the Hub has an id for"),
    ],
)
def test_license_against_the_card(facts, value, status, fragment):
    verdict = check(facts, "license", value, value, unit="license")
    if facts.license == "other" and facts.license_name and value != "other":
        field, shown = "cardData.license_name", facts.license_name
    else:
        field, shown = "cardData.license", facts.license
    assert_verdict(verdict, status, field, shown, fragment)


def test_a_card_without_a_licence_is_unverifiable():
    verdict = check(NO_LICENCE, "license", "mit", "MIT", unit="license")
    assert_verdict(verdict, U, "cardData.license", None, "the card names no licence")


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Apache 2.0", "apache-2.0"),
        ("apache-2", "apache-2.0"),
        ("Apache License 2.0", "apache-2.0"),
        ("Apache License, Version 2.0", "apache-2.0"),
        ("the Apache license", "apache-2.0"),
        ("MIT", "mit"),
        ("MIT License", "mit"),
        ("CC BY-NC 4.0", "cc-by-nc-4.0"),
        ("Llama 3.1 Community License", "llama3.1"),
        ("GPLv3", "gpl-3.0"),
        ("llama3.1", "llama3.1"),
    ],
)
def test_licence_spellings_are_normalised_to_hub_ids(written, normalised):
    assert normalise_licence(written) == normalised


@pytest.mark.parametrize(
    ("value", "text", "qualifier", "published", "status", "fragment"),
    [
        (1200, "about 1,200", "approx", None, S, "direct children fit the claim"),
        (1230, "1,230", None, None, S, "direct children fit"),  # a bare count is rounded
        (1000, "more than 1,000", "more_than", None, S, "direct children fit"),
        (2000, "up to 2,000", "up_to", None, S, "direct children fit"),
        (1000, "1,000", None, None, C, "direct children alone already exceed the claim"),
        (1000, "less than 1,000", "less_than", None, C, "alone already exceed"),
        (1000, "about 1,000", "approx", None, C, "alone already exceed"),
        (5000, "5,000", None, None, U, "may count derivatives of derivatives"),
        (5000, "more than 5,000", "more_than", None, U, "derivatives of derivatives"),
        # fetched months after the article: the count then was lower, by how much unknown
        (1000, "1,000", None, -90, U, "fetched after the article"),
        (2000, "less than 2,000", "less_than", -90, S, "fetched after the article"),
        # fetched before the article: the count then was higher
        (1000, "about 1,000", "approx", 30, C, "fetched before the article"),
        (1000, "more than 1,000", "more_than", 30, S, "fetched before the article"),
    ],
)
def test_derivatives_against_direct_children(value, text, qualifier, published, status, fragment):
    kw = {}
    if published is not None:
        kw["published_at"] = FETCHED + timedelta(days=published)
    verdict = check(LLAMA_31_8B, "derivatives", value, text, qualifier, **kw)
    assert_verdict(verdict, status, "childrenModelCount", 1200, fragment)
    assert "1,200 direct children" in verdict.reason


@pytest.mark.parametrize("detail", ["fine-tunes", "adapters", "quantized", "merges"])
def test_derivatives_of_one_kind_are_unverifiable(detail):
    for value in (1200, 100, 100_000):
        verdict = check(LLAMA_31_8B, "derivatives", value, f"{value:,} {detail}", detail=detail)
        assert_verdict(verdict, U, "childrenModelCount", 1200, "covers every kind")


# -- benchmark scores ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("detail", "value", "text", "sentence", "unit", "status", "hub_value", "fragment"),
    [
        ("MMLU", 66.5, "66.5", "", "points", S, 66.5, "equal within the claim's precision"),
        ("MMLU", 66.5, "66.5%", "", "percent", S, 66.5, "equal within"),
        ("MMLU", 0.665, "0.665", "", "fraction", S, 66.5, "equal within"),
        ("mmlu", 66.5, "66.5", "", "points", S, 66.5, "equal within"),
        ("MMLU", 70.0, "70.0", "", "points", C, 66.5, "a different score"),
        ("MMLU", 35.2, "35.2", "", "points", C, 66.5, "a different score"),  # not MMLU-Pro's
        ("MMLU", 66.0, "66", "", "points", S, 66.5, "equal within"),  # 66 is 65.5-66.5
        # the sentence's set-up differs from the card's
        ("MMLU", 70.0, "70.0", "It scores 70.0 on 0-shot MMLU.", "points", U, 66.5, "set-ups"),
        ("MMLU", 70.0, "70.0", "70.0 on MMLU with CoT.", "points", U, 66.5, "chain-of-thought"),
        ("MMLU", 70.0, "70.0", "70.0 on five-shot MMLU.", "points", C, 66.5, "different score"),
        ("MMLU-Pro", 35.2, "35.2", "", "points", S, 35.2, "equal within"),
        ("MMLU Pro", 40.0, "40.0", "", "points", C, 35.2, "a different score"),
        ("MMLU Redux", 66.5, "66.5", "", "points", U, None, "the card reports no MMLU Redux"),
        # the card writes 0.312; GPQA in its diamond config
        ("GPQA Diamond", 31.2, "31.2%", "", "percent", S, 0.312, "writes it as a fraction"),
        ("GPQA-Diamond", 40.0, "40%", "", "percent", C, 0.312, "a different score"),
        ("GPQA", 31.2, "31.2%", "", "percent", U, None, "the card reports no GPQA score"),
        # acc and acc_norm (the stderr is no score)
        ("HellaSwag", 84.0, "84.0", "", "points", S, 84.0, "equal within"),
        ("HellaSwag", 90.0, "90.0", "", "points", U, None, "several such scores"),
        # an acc_stderr of 0.4 is no 40%
        ("HellaSwag", 40.0, "40.0", "", "points", U, None, "several such scores"),
        # the card's own 71 may be 70.5 to 71.5
        ("GSM8K", 71.3, "71.3", "", "points", U, 71.0, "the card's own rounding"),
        ("GSM8K", 75.3, "75.3", "", "points", C, 71.0, "a different score"),
        ("HumanEval", 80.0, "80", "", "points", U, None, "the card reports no HumanEval"),
    ],
)
def test_benchmark_scores_against_the_model_index(
    detail, value, text, sentence, unit, status, hub_value, fragment
):
    kw = {"sentence": sentence} if sentence else {}
    verdict = check(CARD_SCORES, "benchmark_score", value, text, unit=unit, detail=detail, **kw)
    assert_verdict(verdict, status, "cardData.model-index", hub_value, fragment)


@pytest.mark.parametrize(
    ("dataset", "detail", "matches"),
    [
        ({"name": "mmlu"}, "MMLU", True),
        ({"name": "MMLU (5-shot)"}, "MMLU", True),
        ({"name": "MMLU", "config": "all"}, "MMLU", True),
        ({"type": "cais/mmlu"}, "MMLU", True),
        ({"name": "MMLU-Pro"}, "MMLU", False),
        ({"name": "MMLU Redux"}, "MMLU", False),
        ({"name": "mmlu_redux"}, "MMLU", False),
        ({"name": "gpqa_diamond"}, "GPQA Diamond", True),
        ({"name": "GPQA (diamond)"}, "GPQA Diamond", True),
        ({"name": "gpqa", "config": "diamond"}, "GPQA Diamond", True),
        ({"name": "GPQA"}, "GPQA Diamond", False),
        ({"name": "gpqa", "config": "main"}, "GPQA Diamond", False),
        ({"name": "SWE-bench Verified"}, "SWE-bench Verified", True),
        ({"name": "swe_bench_verified"}, "SWE-bench Verified", True),
        ({"name": "SWE-bench Lite"}, "SWE-bench Verified", False),
    ],
)
def test_benchmark_names_are_matched_up_to_spelling_and_setup(dataset, detail, matches):
    card = hub(
        {
            "id": "acme/one-score",
            "cardData": {
                "model-index": [{"results": [{"dataset": dataset, "metrics": [{"value": 50.0}]}]}]
            },
        }
    )
    verdict = check(card, "benchmark_score", 50.0, "50.0", unit="points", detail=detail)
    assert verdict.status is (S if matches else U), verdict.reason
    wrong = check(card, "benchmark_score", 80.0, "80.0", unit="points", detail=detail)
    assert wrong.status is (C if matches else U), wrong.reason


def test_a_card_without_scores_or_a_claim_without_a_benchmark_is_unverifiable():
    none = check(LLAMA_31_8B, "benchmark_score", 66.5, "66.5", unit="points", detail="MMLU")
    assert_verdict(none, U, "cardData.model-index", None, "the card reports no MMLU score")
    unnamed = check(CARD_SCORES, "benchmark_score", 66.5, "66.5", unit="points")
    assert_verdict(unnamed, U, "cardData.model-index", None, "the claim names no benchmark")


# -- what comes before the rules -------------------------------------------------------


def test_metadata_not_fetched_yet():
    verdict = verify_metadata(claim("params_total", 671e9, "671B"), None)
    assert verdict.status is U
    assert verdict.reason.startswith("the repo's Hub metadata has not been fetched yet")
    assert verdict.repo == "deepseek-ai/DeepSeek-V3"
    assert verdict.scope == "Hugging Face, repo deepseek-ai/DeepSeek-V3"
    assert verdict.as_of is None


def test_a_repo_the_hub_does_not_have():
    missing = RepoFacts("acme/gone", FETCHED, found=False)
    verdict = verify_metadata(claim("layers", 32, "32 layers", missing), missing)
    assert verdict.status is U
    assert verdict.reason == "the Hub has no repo acme/gone"
    assert (verdict.repo, verdict.as_of) == ("acme/gone", FETCHED)


@pytest.mark.parametrize(
    ("hub_id", "link", "subject"),
    [
        ("deepseek-ai", Link.FAMILY, "DeepSeek"),
        ("deepseek-ai", None, "DeepSeek"),  # no link: judged by the id's shape
        ("deepseek-ai/DeepSeek-V3", Link.SERIES, "DeepSeek-V3"),
        ("deepseek-ai/DeepSeek-V3", Link.UNRESOLVED, "DeepSeek-V3"),
    ],
)
def test_a_family_is_not_one_repo(hub_id, link, subject):
    verdict = verify_metadata(
        claim("layers", 61, "61 layers", hub_id=hub_id, link=link, subject=subject), DEEPSEEK_V3
    )
    assert verdict.status is U
    assert verdict.reason == (
        f"{subject} is a family, not one repo; the Hub's metadata describes single repos"
    )
    assert (verdict.repo, verdict.hub_field, verdict.hub_value) == (hub_id, None, None)
    assert verdict.scope == (f"Hugging Face, repo {hub_id}" if "/" in hub_id else None)


def test_another_repos_metadata_proves_nothing():
    verdict = verify_metadata(
        claim("layers", 61, "61 layers", hub_id="deepseek-ai/DeepSeek-V3-Base"), DEEPSEEK_V3
    )
    assert verdict.status is U
    assert "the claim is about deepseek-ai/DeepSeek-V3-Base" in verdict.reason


@pytest.mark.parametrize(
    ("metric", "value", "text"),
    [
        ("params_total", 671e9, "671B"),
        ("layers", 61, "61 layers"),
        ("license", "mit", "MIT"),
        ("derivatives", 10, "10 fine-tunes"),
    ],
)
def test_a_negated_claim_is_unverifiable(metric, value, text):
    verdict = check(DEEPSEEK_V3, metric, value, text, "negated")
    assert verdict.status is U
    assert "negated" in verdict.reason


def test_a_metric_that_is_no_metadata_is_not_checkable():
    for metric in ("downloads_total", "training_tokens", "no_such_metric"):
        verdict = check(DEEPSEEK_V3, metric, 14.8e12, "14.8 trillion tokens")
        assert verdict.status is VerdictStatus.NOT_CHECKABLE


def test_a_figure_that_is_no_number_is_unverifiable():
    verdict = check(DEEPSEEK_V3, "layers", "sixty-one", "sixty-one layers")
    assert verdict.status is U
    assert "is not a number" in verdict.reason


ALL_FACTS = [DEEPSEEK_V3, LLAMA_31_8B, QWEN25_7B_INSTRUCT, MULTIMODAL, GPTQ, CARD_SCORES, T5]
SAMPLE_CLAIMS = [
    ("params_total", 8e9, "8B"),
    ("params_active", 8e9, "8B"),
    ("context_length", 128_000, "128K"),
    ("vocab_size", 128_000, "128K"),
    ("layers", 32, "32 layers"),
    ("experts_total", 8, "8 experts"),
    ("experts_active", 2, "2 experts"),
    ("hidden_size", 4096, "4,096"),
    ("storage_size", 16e9, "16GB"),
    ("memory", 16e9, "16GB"),
    ("quant_bits", 4, "4-bit"),
    ("release_date", "2024-12", "December 2024"),
    ("license", "mit", "MIT"),
    ("derivatives", 100, "100"),
    ("benchmark_score", 66.5, "66.5"),
]


@pytest.mark.parametrize("facts", ALL_FACTS, ids=lambda f: f.repo_id)
@pytest.mark.parametrize(("metric", "value", "text"), SAMPLE_CLAIMS)
def test_every_verdict_names_the_repo_its_scope_time_and_field(facts, metric, value, text):
    verdict = check(facts, metric, value, text, detail="MMLU" if "benchmark" in metric else None)
    assert verdict.status in (S, C, U)
    assert verdict.repo == facts.repo_id
    assert verdict.scope == f"Hugging Face, repo {facts.repo_id}"
    assert verdict.as_of == FETCHED
    assert verdict.hub_field
    assert "\n" not in verdict.reason
    assert f"repo {facts.repo_id}, 2025-06-01" in verdict.reason


# -- sliding window, quantised sizes, licences of their own ---------------------------

PHI3_MINI = facts_with(
    QWEN25_7B_INSTRUCT,
    id="microsoft/Phi-3-mini-4k-instruct",
    config={"sliding_window": 2047, "use_sliding_window": None},
)


@pytest.mark.parametrize(
    ("facts", "value", "text", "status", "fragment"),
    [
        (MISTRAL_7B, 4096, "4,096-token sliding window", S, "equal"),
        (MISTRAL_7B, 8192, "8,192-token sliding window", C, "a different window"),
        (PHI3_MINI, 2048, "2,048-token sliding window", S, "equal"),  # 2047 + the token itself
        # Qwen2.5 keeps a sliding_window it switches off: nothing to compare
        (QWEN25_7B_INSTRUCT, 4096, "4,096-token sliding window", U, "switches it off"),
        (LLAMA_31_8B, 4096, "4,096-token sliding window", U, "names no sliding window"),
    ],
)
def test_sliding_window_against_the_config(facts, value, text, status, fragment):
    verdict = check(facts, "sliding_window", value, text, unit="tokens")
    assert verdict.status is status, verdict.reason
    assert fragment in verdict.reason


@pytest.mark.parametrize(
    ("facts", "sentence", "text", "value", "status"),
    [
        # the repo is the GPTQ copy the sentence names: its size can be judged
        (GPTQ, "The GPTQ build weighs about 5.7 GB.", "about 5.7 GB", 5.7e9, S),
        (KIMI_K2_THINKING, "Its INT4 weights take about 594 GB.", "about 594 GB", 594e9, S),
        # another width than the repo's: another artifact, not judged
        (GPTQ, "An 8-bit copy weighs about 9 GB.", "about 9 GB", 9e9, U),
        # the quantisation is another clause's: the full-precision size is this repo's
        (
            LLAMA_31_8B,
            "It is a 16 GB download in full precision, yet quantised it runs on 6 GB.",
            "16 GB",
            16e9,
            S,
        ),
        (LLAMA_31_8B, "Quantised to 4 bits it shrinks to 5 GB.", "5 GB", 5e9, U),
    ],
)
def test_storage_reads_the_quantisation_of_the_claims_own_clause(
    facts, sentence, text, value, status
):
    qualifier = "approx" if text.startswith("about") else None
    verdict = check(facts, "storage_size", value, text, qualifier, unit="bytes", sentence=sentence)
    assert verdict.status is status, verdict.reason


QWEN_7B = facts_with(
    QWEN25_7B_INSTRUCT,
    id="Qwen/Qwen-7B",
    cardData={"license": "other", "license_name": "tongyi-qianwen-license-agreement"},
)


@pytest.mark.parametrize(
    ("value", "status", "fragment"),
    [
        ("Tongyi Qianwen License", S, "the licence the card names for itself"),
        # two free-form names that differ prove nothing...
        ("qwen", U, "free-form names cannot show"),
        # ...but a standard open licence is not a licence of the card's own
        ("apache-2.0", C, "the card names a licence of its own"),
    ],
)
def test_a_licence_of_its_own_is_compared_loosely(value, status, fragment):
    verdict = check(QWEN_7B, "license", value, value, unit="license")
    assert verdict.status is status, verdict.reason
    assert fragment in verdict.reason


def test_a_parameter_figure_of_one_part_of_the_model_is_not_judged():
    sentence = "It pairs a 675-million-parameter vision encoder with a language model."
    verdict = check(
        LLAMA_31_8B,
        "params_total",
        675e6,
        "675-million-parameter",
        sentence=sentence,
        unit="parameters",
    )
    assert verdict.status is U
    assert "one part of the model (its vision encoder)" in verdict.reason
    # the same figure for the whole model is judged
    whole = check(LLAMA_31_8B, "params_total", 675e6, "675-million-parameter", unit="parameters")
    assert whole.status is C


@pytest.mark.parametrize(
    ("value", "text", "status"),
    [
        (150_000, "150K-token vocabulary", S),  # rounded: padding explains the gap
        (151_665, "151,665 tokens", U),  # a tokenizer's exact count: padding proves nothing
    ],
)
def test_padding_explains_a_rounded_vocabulary_only(value, text, status):
    padded = facts_with(QWEN25_7B_INSTRUCT, config={"vocab_size": 152_064})
    verdict = check(padded, "vocab_size", value, text, unit="tokens")
    assert verdict.status is status, verdict.reason


def test_a_repository_size_is_its_used_storage():
    """Llama-3.1-8B keeps a second copy of its weights in original/: the repo is twice
    the weights, so 'its repository takes up 16 GB' is not the weights' figure."""
    doubled = facts_with(LLAMA_31_8B, usedStorage=2 * LLAMA_WEIGHTS)
    in_repo = check(
        doubled,
        "storage_size",
        16.1e9,
        "16.1 GB",
        sentence="Its repository takes up 16.1 GB.",
        unit="bytes",
    )
    assert in_repo.status is not S, in_repo.reason
    weights = check(
        doubled,
        "storage_size",
        16.1e9,
        "16.1 GB",
        sentence="Its weights take 16.1 GB.",
        unit="bytes",
    )
    assert weights.status is S, weights.reason


def test_a_component_named_before_the_figure_is_not_judged():
    sentence = "At a glance: Parameters: 8B | Vision encoder: 675M params | Layers: 32"
    verdict = check(
        LLAMA_31_8B, "params_total", 675e6, "675M params", sentence=sentence, unit="parameters"
    )
    assert verdict.status is U
    assert "vision encoder" in verdict.reason


@pytest.mark.parametrize(
    ("metric", "value", "text"),
    [("derivatives", 3.412, "3.412 derivatives"), ("layers", 3.2, "3.2 layers")],
)
def test_a_fractional_count_is_a_misread_number(metric, value, text):
    verdict = check(QWEN25_7B_INSTRUCT, metric, value, text)
    assert verdict.status is U
    assert "cannot be fractional" in verdict.reason


@pytest.mark.parametrize(
    "sentence",
    [
        "It picked up 41 new derivatives this week.",
        "It has gained 41 derivatives since Monday.",
        "It drew 41 derivatives in November.",
    ],
)
def test_derivatives_counted_over_a_period_are_not_judged(sentence):
    verdict = check(QWEN25_7B_INSTRUCT, "derivatives", 41, "41 derivatives", sentence=sentence)
    assert verdict.status is U
    assert "the count is for a period" in verdict.reason
