"""The one settings object: defaults < config file < PLANQA_* env vars < CLI flags.

This is the only module that reads ``os.environ``. Secrets (API keys) are read
from the environment on demand and never stored in a file or printed.
"""
from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Mapping

ENV_PREFIX = "PLANQA_"
DEFAULT_CONFIG_FILE = "planqa.toml"


class ConfigError(ValueError):
    """A setting has a bad value or the config file cannot be read."""


@dataclass(frozen=True)
class Settings:
    """Every tunable of planqa, with its default."""

    # where the knowledge base (index, manifest, chunk store) lives
    data_dir: str = ".planqa"
    # corpus ingested when the knowledge base is empty ("bundled" = the shipped documents)
    corpus: str = "bundled"
    # chunking
    chunk_size: int = 300
    chunk_min: int = 60
    # embeddings
    embedder: str = "e5"  # or "use-multilingual", "sentence-transformers"
    embedding_model: str = ""  # model id or local path for sentence-transformers
    embed_threads: int = 2
    embed_batch_size: int = 32
    embed_cache: bool = True  # reuse passage vectors by (model, text) across ingests and rebuilds
    embed_cache_dir: str = ""  # where that cache lives ("" = <data_dir>/cache/vectors); may be shared
    # where chunks, vectors and the lexical index live: "local" (FAISS + bm25s files) or "milvus"
    store: str = "local"
    milvus_uri: str = ""  # "" = a Milvus Lite file <data_dir>/milvus.db; or http://host:19530, a Zilliz URI
    milvus_collection: str = "planqa_chunks"
    milvus_lexical: str = "sparse"  # sparse (planqa's jieba tokens as BM25 sparse vectors) | bm25 (Milvus' BM25)
    # client (two searches, planqa's weighted RRF) | engine (hybrid_search + RRF); client is the default: the
    # engine's RRF has no weights, so they become repeated requests (1.0 : 0.3 = 10 + 3), same answers, slower
    milvus_fusion: str = "client"
    milvus_batch_size: int = 512  # rows per insert
    # ingest at scale: embed in worker processes (1 = in this process); "process" or "ray"
    ingest_workers: int = 1
    ingest_backend: str = "process"
    # index
    index_type: str = "auto"  # flat | hnsw | ivf | ivfpq | auto
    index_auto_threshold: int = 200_000
    # retrieval
    top_k: int = 10
    retrieval_mode: str = "hybrid"  # hybrid | bm25 | dense
    # weighted RRF, chosen for e5 by leave-one-document-out CV on the dev set (bench/cv_weights.py)
    fusion_k: int = 3
    bm25_weight: float = 1.0
    dense_weight: float = 0.3
    candidates: int = 50
    rerank: bool = False
    reranker_model: str = ""
    # answering
    answerer: str = "extractive"  # extractive | llm
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key_env: str = "PLANQA_LLM_API_KEY"
    llm_timeout: float = 30.0
    refuse_threshold: float = 0.15
    semantic_weight: float = 0.15  # weight of embedding similarity when choosing answer sentences (CV, as above)
    max_question_chars: int = 500
    # serving
    host: str = "127.0.0.1"
    port: int = 7860
    max_upload_mb: int = 20
    max_upload_files: int = 10
    # ingest: follow symbolic links found inside folders given to ingest
    follow_symlinks: bool = False

    def with_overrides(self, values: Mapping[str, Any], source: str = "cli") -> "Settings":
        """A copy with ``values`` applied (None values are ignored)."""
        clean = {k: v for k, v in values.items() if v is not None}
        _check_names(clean, source)
        new = dataclasses.replace(self, **{k: _coerce(k, v, source) for k, v in clean.items()})
        new.validate()
        object.__setattr__(new, "_sources", {**getattr(self, "_sources", {}), **{k: source for k in clean}})
        return new

    def source_of(self, name: str) -> str:
        return getattr(self, "_sources", {}).get(name, "default")

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    def llm_api_key(self) -> str:
        """The LLM API key from the environment variable named by ``llm_api_key_env``."""
        return os.environ.get(self.llm_api_key_env, "")

    def milvus_token(self) -> str:
        """The Milvus / Zilliz token from $PLANQA_MILVUS_TOKEN ("" for Milvus Lite and open servers)."""
        return os.environ.get(ENV_PREFIX + "MILVUS_TOKEN", "")

    @property
    def milvus_target(self) -> str:
        """The Milvus URI in use: ``milvus_uri``, else the Milvus Lite file under the data directory."""
        return self.milvus_uri or str(self.data_path / "milvus.db")

    def validate(self) -> None:
        if self.chunk_size < 50:
            raise ConfigError(f"chunk_size={self.chunk_size}: must be at least 50 characters")
        if not 0 <= self.chunk_min < self.chunk_size:
            raise ConfigError(f"chunk_min={self.chunk_min}: must be between 0 and chunk_size")
        if self.top_k < 1 or self.top_k > 100:
            raise ConfigError(f"top_k={self.top_k}: must be between 1 and 100")
        if self.retrieval_mode not in ("hybrid", "bm25", "dense"):
            raise ConfigError(f"retrieval_mode={self.retrieval_mode!r}: use hybrid, bm25 or dense")
        if self.index_type not in ("auto", "flat", "hnsw", "ivf", "ivfpq"):
            raise ConfigError(f"index_type={self.index_type!r}: use auto, flat, hnsw, ivf or ivfpq")
        if self.store not in ("local", "milvus"):
            raise ConfigError(f"store={self.store!r}: use local or milvus")
        if self.milvus_lexical not in ("sparse", "bm25"):
            raise ConfigError(f"milvus_lexical={self.milvus_lexical!r}: use sparse or bm25")
        if self.milvus_fusion not in ("client", "engine"):
            raise ConfigError(f"milvus_fusion={self.milvus_fusion!r}: use client or engine")
        if not 1 <= self.milvus_batch_size <= 100_000:
            raise ConfigError(f"milvus_batch_size={self.milvus_batch_size}: must be between 1 and 100000")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,200}", self.milvus_collection):
            raise ConfigError(f"milvus_collection={self.milvus_collection!r}: letters, digits and _ only")
        if self.ingest_workers < 1:
            raise ConfigError(f"ingest_workers={self.ingest_workers}: must be at least 1")
        if self.ingest_backend not in ("process", "ray"):
            raise ConfigError(f"ingest_backend={self.ingest_backend!r}: use process or ray")
        if self.answerer not in ("extractive", "llm"):
            raise ConfigError(f"answerer={self.answerer!r}: use extractive or llm")
        if self.embed_threads < 1:
            raise ConfigError(f"embed_threads={self.embed_threads}: must be at least 1")
        if self.max_question_chars < 10:
            raise ConfigError(f"max_question_chars={self.max_question_chars}: must be at least 10")
        if not 0 < self.port < 65536:
            raise ConfigError(f"port={self.port}: not a TCP port")

    def as_rows(self) -> list[tuple[str, Any, str]]:
        """(name, value, source) for every setting, for ``planqa config``."""
        return [(f.name, getattr(self, f.name), self.source_of(f.name)) for f in fields(self)]


_FIELD_TYPES = {f.name: f.type for f in fields(Settings)}


def _check_names(values: Mapping[str, Any], source: str) -> None:
    unknown = sorted(set(values) - set(_FIELD_TYPES))
    if unknown:
        raise ConfigError(f"{source}: unknown setting(s) {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(_FIELD_TYPES))}")


def _coerce(name: str, value: Any, source: str) -> Any:
    kind = _FIELD_TYPES[name]
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(value)
        if kind == "int":
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{source}: {name}={value!r} is not a valid {kind}") from None


def config_file_path(explicit: str | None = None) -> Path:
    """The config file in use: explicit path > $PLANQA_CONFIG > ./planqa.toml."""
    return Path(explicit or os.environ.get(ENV_PREFIX + "CONFIG") or DEFAULT_CONFIG_FILE)


def _read_file(path: Path, required: bool) -> dict:
    if not path.exists():
        if required:
            raise ConfigError(f"config file {path} not found")
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config file {path}: {exc}") from None
    # accept either top-level keys or a [planqa] table
    return dict(data.get("planqa", data))


def _read_env() -> dict:
    out = {}
    for f in fields(Settings):
        key = ENV_PREFIX + f.name.upper()
        if key in os.environ:
            out[f.name] = os.environ[key]
    return out


def load_settings(cli: Mapping[str, Any] | None = None, config_file: str | None = None) -> Settings:
    """Build the effective settings from every layer, validating each value."""
    path = config_file_path(config_file)
    explicit = bool(config_file or os.environ.get(ENV_PREFIX + "CONFIG"))
    settings = Settings()
    object.__setattr__(settings, "_sources", {})
    file_values = _read_file(path, required=explicit)
    if file_values:
        settings = settings.with_overrides(file_values, source=f"file {path}")
    env_values = _read_env()
    if env_values:
        settings = settings.with_overrides(env_values, source="env")
    if cli:
        settings = settings.with_overrides(cli, source="cli")
    settings.validate()
    return settings


def default_env(name: str, value: str) -> None:
    """Set an environment variable a native library reads at load time, unless the user set it already."""
    os.environ.setdefault(name, value)


def env_flag(name: str) -> str:
    """Read a non-setting environment variable (e.g. GRADIO_SERVER_PORT, app login)."""
    return os.environ.get(name, "")


def admin_users() -> set[str]:
    """App users allowed to upload and remove documents ($PLANQA_APP_ADMINS, comma-separated; empty: everyone)."""
    return {u.strip() for u in os.environ.get(ENV_PREFIX + "APP_ADMINS", "").split(",") if u.strip()}


_SECRET_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[^\s'\",;]+"),
    re.compile(r"(?i)((?:api[_-]?key|token|password|secret)[\"']?\s*[:=]\s*[\"']?)[^\s'\",;&]+"),
    re.compile(r"\b(sk-)[A-Za-z0-9_\-]{6,}"),
)


def redact(text: str) -> str:
    """``text`` with secrets blanked: the configured API keys' values, bearer tokens, ``sk-…`` keys.

    >>> redact("401: header Authorization: Bearer sk-abc123456789 rejected")
    '401: header Authorization: Bearer *** rejected'
    >>> redact("api_key=s3cr3t&x=1")
    'api_key=***&x=1'
    """
    for name, value in os.environ.items():
        if value and len(value) >= 6 and (name.endswith("API_KEY") or name.endswith("_TOKEN")
                                          or name == ENV_PREFIX + "APP_PASSWORD"):
            text = text.replace(value, "***")
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + "***", text)
    return text
