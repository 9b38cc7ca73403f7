"""What the Hub's metadata says about one repo, as one typed record.

The Hub answers many of the figures the press prints (parameters, context,
layers, experts, vocabulary, weights size, creation date, licence, derivatives,
reported scores), but each under its own key, and the config keys differ by
architecture: Llama calls its depth ``num_hidden_layers``, GPT-2 ``n_layer``,
ChatGLM ``num_layers``; Mixtral counts experts in ``num_local_experts``,
DeepSeek in ``n_routed_experts``, Qwen-MoE in ``num_experts``. This module is
the one place that knows those spellings: the verifier asks for ``layers`` and
is told which key answered, so a verdict can name the field it compared.

Pure: built from the JSON the Hub sent (``model_info`` with ``expand``) and
stored as that JSON's relevant parts, converted only at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# The model_info fields asked for; `expand` is a whitelist on the Hub.
METADATA_EXPAND = [
    "safetensors",
    "config",
    "createdAt",
    "usedStorage",
    "childrenModelCount",
    "cardData",
    "tags",
]

# Config keys, in the order they are tried, for each figure.
CONFIG_KEYS: dict[str, tuple[str, ...]] = {
    "layers": ("num_hidden_layers", "n_layer", "num_layers", "n_layers"),
    "experts_total": (
        "n_routed_experts",
        "num_local_experts",
        "num_experts",
        "moe_num_experts",
        "n_experts",
    ),
    "experts_active": (
        "num_experts_per_tok",
        "num_experts_per_token",
        "moe_topk",
        "top_k_experts",
        "experts_per_token",
    ),
    "shared_experts": ("n_shared_experts", "num_shared_experts", "shared_expert_count"),
    "vocab_size": ("vocab_size", "padded_vocab_size", "n_vocab"),
    "hidden_size": ("hidden_size", "d_model", "n_embd", "dim"),
    "context_length": (
        "max_position_embeddings",
        "n_positions",
        "max_sequence_length",
        "seq_length",
        "max_seq_len",
        "n_ctx",
    ),
    "extra_layers": ("num_nextn_predict_layers",),
    "sliding_window": ("sliding_window",),
}
FLAT_BITS_KEYS = ("bits", "w_bit", "weight_bits", "num_bits")
# Quantisation methods whose name fixes the weights' width.
METHOD_BITS = {"fp8": 8, "mxfp4": 4, "fp4": 4, "nvfp4": 4}
# Multimodal configs keep the language model's figures in a sub-config.
TEXT_CONFIGS = ("text_config", "llm_config", "language_config", "thinker_config")
# Safetensors dtypes that pack several quantised weights in one element, so that
# the Hub's parameter total undercounts the model: a total from these is no count.
PACKED_DTYPES = frozenset({"I32", "U32", "I8", "U8", "I16", "U16", "I64", "U64"})
DTYPE_BYTES = {
    "F64": 8,
    "I64": 8,
    "U64": 8,
    "F32": 4,
    "I32": 4,
    "U32": 4,
    "BF16": 2,
    "F16": 2,
    "I16": 2,
    "U16": 2,
    "F8_E4M3": 1,
    "F8_E5M2": 1,
    "I8": 1,
    "U8": 1,
    "BOOL": 1,
}


@dataclass(frozen=True)
class ConfigFigure:
    """One figure read from the config, with the key that held it."""

    value: int
    key: str


@dataclass(frozen=True)
class EvalScore:
    """One score a model card reports in its ``model-index``."""

    benchmark: str  # the dataset name or type as the card wrote it
    value: float
    metric: str | None = None  # "accuracy", "pass@1"
    setup: str | None = None  # dataset config or args: "5-shot", "diamond"


@dataclass(frozen=True)
class RepoFacts:
    """One repo's metadata at one moment; ``found`` is False for a repo the Hub does not have."""

    repo_id: str
    fetched_at: datetime
    found: bool = True
    params_by_dtype: dict[str, int] = field(default_factory=dict)
    params_total: int | None = None
    config: dict[str, Any] = field(default_factory=dict)
    used_storage: int | None = None
    children: int | None = None
    created_at: datetime | None = None
    license: str | None = None
    license_name: str | None = None
    tags: tuple[str, ...] = ()
    scores: tuple[EvalScore, ...] = ()
    base_models: tuple[str, ...] = ()

    # -- config figures ---------------------------------------------------------------

    def configs(self) -> list[tuple[str, dict[str, Any]]]:
        """The config, then the language model's sub-config of a multimodal one."""
        found = [("", self.config)]
        for name in TEXT_CONFIGS:
            sub = self.config.get(name)
            if isinstance(sub, dict):
                found.append((f"{name}.", sub))
        return found

    def figure(self, name: str) -> ConfigFigure | None:
        """A config figure by trendbot's name ("layers"), with the key that held it."""
        for prefix, config in self.configs():
            for key in CONFIG_KEYS[name]:
                value = config.get(key)
                if isinstance(value, bool) or not isinstance(value, int | float):
                    continue
                if value > 0 or name in ("extra_layers", "shared_experts"):
                    return ConfigFigure(int(value), f"config.{prefix}{key}")
        return None

    @property
    def rope_scaling(self) -> dict[str, Any] | None:
        """The config's RoPE scaling (YaRN, linear, dynamic, llama3), if any."""
        for _prefix, config in self.configs():
            scaling = config.get("rope_scaling")
            if isinstance(scaling, dict) and scaling:
                return scaling
        return None

    @property
    def is_moe(self) -> bool:
        experts = self.figure("experts_total")
        return experts is not None and experts.value > 1

    @property
    def architecture(self) -> str | None:
        architectures = self.config.get("architectures")
        if isinstance(architectures, list) and architectures:
            return str(architectures[0])
        model_type = self.config.get("model_type")
        return str(model_type) if model_type else None

    @property
    def quantization_bits(self) -> ConfigFigure | None:
        """The weights' width from the quantisation config: its ``bits``, the one
        width of every compressed-tensors group, or the width a method implies
        (``fp8`` is 8 bits, ``mxfp4`` 4)."""
        quant = self.config.get("quantization_config")
        if not isinstance(quant, dict):
            return None
        for key in FLAT_BITS_KEYS:
            value = quant.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                return ConfigFigure(value, f"config.quantization_config.{key}")
        groups = quant.get("config_groups")
        if isinstance(groups, dict):
            widths = {
                (group.get("weights") or {}).get("num_bits")
                for group in groups.values()
                if isinstance(group, dict)
            }
            if len(widths) == 1 and isinstance(width := widths.pop(), int):
                return ConfigFigure(
                    width, "config.quantization_config.config_groups.weights.num_bits"
                )
        method = str(quant.get("quant_method") or "").lower()
        if method in METHOD_BITS:
            return ConfigFigure(METHOD_BITS[method], "config.quantization_config.quant_method")
        return None

    @property
    def packed(self) -> bool:
        """Whether the weights are packed integers, so the parameter total is no count."""
        bits = self.quantization_bits
        # an integer quantiser's own width key (GPTQ, AWQ); FP8 keeps one weight per element
        flat = bits is not None and bits.key.rsplit(".", 1)[-1] in FLAT_BITS_KEYS
        return bool(PACKED_DTYPES & set(self.params_by_dtype)) or flat

    @property
    def weights_bytes(self) -> int | None:
        """The size of the safetensors weights, from the parameter count of each dtype."""
        if not self.params_by_dtype:
            return None
        if any(dtype not in DTYPE_BYTES for dtype in self.params_by_dtype):
            return None
        return sum(DTYPE_BYTES[d] * n for d, n in self.params_by_dtype.items())

    # -- the JSON edges ---------------------------------------------------------------

    @classmethod
    def from_hub(cls, data: dict[str, Any], fetched_at: datetime) -> RepoFacts:
        """From the JSON of ``GET /api/models/{id}?expand=...`` (the Hub's own shape)."""
        safetensors = data.get("safetensors") or {}
        card = data.get("cardData") or {}
        tags = tuple(str(t) for t in data.get("tags") or ())
        license_id = card.get("license") if isinstance(card, dict) else None
        if isinstance(license_id, list):
            license_id = license_id[0] if len(license_id) == 1 else None
        if not license_id:
            license_id = next((t.split(":", 1)[1] for t in tags if t.startswith("license:")), None)
        base = card.get("base_model") if isinstance(card, dict) else None
        if isinstance(base, str):
            base = [base]
        return cls(
            repo_id=str(data["id"]),
            fetched_at=fetched_at,
            params_by_dtype={
                str(k): int(v) for k, v in (safetensors.get("parameters") or {}).items()
            },
            params_total=(
                int(safetensors["total"]) if safetensors.get("total") is not None else None
            ),
            config=dict(data.get("config") or {}),
            used_storage=(
                int(data["usedStorage"]) if data.get("usedStorage") is not None else None
            ),
            children=(
                int(data["childrenModelCount"])
                if data.get("childrenModelCount") is not None
                else None
            ),
            created_at=_hub_time(data.get("createdAt")),
            license=str(license_id).lower() if license_id else None,
            license_name=(card.get("license_name") if isinstance(card, dict) else None),
            tags=tags,
            scores=tuple(_scores(card.get("model-index") if isinstance(card, dict) else None)),
            base_models=tuple(str(b) for b in base or ()),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "repo_id": self.repo_id,
            "fetched_at": self.fetched_at.isoformat(),
            "found": self.found,
            "params_by_dtype": self.params_by_dtype,
            "params_total": self.params_total,
            "config": self.config,
            "used_storage": self.used_storage,
            "children": self.children,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "license": self.license,
            "license_name": self.license_name,
            "tags": list(self.tags),
            "scores": [
                {"benchmark": s.benchmark, "value": s.value, "metric": s.metric, "setup": s.setup}
                for s in self.scores
            ],
            "base_models": list(self.base_models),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RepoFacts:
        return cls(
            repo_id=data["repo_id"],
            fetched_at=datetime.fromisoformat(data["fetched_at"]),
            found=bool(data.get("found", True)),
            params_by_dtype=dict(data.get("params_by_dtype") or {}),
            params_total=data.get("params_total"),
            config=dict(data.get("config") or {}),
            used_storage=data.get("used_storage"),
            children=data.get("children"),
            created_at=(
                datetime.fromisoformat(data["created_at"]) if data.get("created_at") else None
            ),
            license=data.get("license"),
            license_name=data.get("license_name"),
            tags=tuple(data.get("tags") or ()),
            scores=tuple(
                EvalScore(s["benchmark"], float(s["value"]), s.get("metric"), s.get("setup"))
                for s in data.get("scores") or ()
            ),
            base_models=tuple(data.get("base_models") or ()),
        )


def _hub_time(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _scores(model_index: Any) -> list[EvalScore]:
    """Scores from a card's ``model-index`` (a list of models, each with results)."""
    found: list[EvalScore] = []
    if not isinstance(model_index, list):
        return found
    for model in model_index:
        for result in (model or {}).get("results") or ():
            dataset = result.get("dataset") or {}
            name = dataset.get("name") or dataset.get("type")
            if not name:
                continue
            setup = dataset.get("config") or None
            args = dataset.get("args")
            if isinstance(args, dict) and args.get("num_few_shot") is not None:
                setup = f"{args['num_few_shot']}-shot"
            for metric in result.get("metrics") or ():
                value = metric.get("value")
                if isinstance(value, bool) or not isinstance(value, int | float):
                    continue
                found.append(
                    EvalScore(
                        benchmark=str(name),
                        value=float(value),
                        metric=metric.get("type") or metric.get("name"),
                        setup=setup,
                    )
                )
    return found
