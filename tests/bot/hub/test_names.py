"""Resolving a written model name to one repo among an author's search results."""

from __future__ import annotations

import pytest

from bot.hub.names import pick_repo, search_query


@pytest.mark.parametrize(
    ("name", "query"),
    [
        # from the size on: the press spells the family part in more ways than the Hub
        ("Llama 3.1 70B", "70B"),
        ("Meta Llama 3.1 70B", "70B"),
        ("Meta-Llama-3-8B", "8B"),
        ("meta llama 3 8b", "8b"),  # the case is kept; the Hub's search ignores it
        ("Mixtral 8x7B", "8x7B"),
        ("Qwen2.5 72B Instruct", "72B-Instruct"),
        ("Qwen 2.5 72B Instruct", "72B-Instruct"),  # "Qwen-2.5" would miss Qwen2.5-72B
        ("  Qwen2.5   72B  ", "72B"),
        ("Qwen3-30B-A3B", "30B-A3B"),
        ("Llama 3.1 - 70B", "70B"),
        ("“DeepSeek V3”", "DeepSeek-V3"),
        ("meta-llama/Llama-3.1-8B", "8B"),  # the search is per author
        ("Command R+", "Command-R+"),
    ],
)
def test_search_query(name, query):
    assert search_query(name) == query


LLAMA = [
    "meta-llama/Llama-3.1-70B-Instruct",
    "meta-llama/Llama-3.1-70B",
    "meta-llama/Llama-3.1-8B",
    "meta-llama/Llama-3.1-8B-Instruct",
    "meta-llama/Llama-3.1-405B-FP8",
]
MISTRAL = [
    "mistralai/Mistral-7B-v0.1",
    "mistralai/Mistral-7B-v0.3",
    "mistralai/Mistral-7B-Instruct-v0.3",
    "mistralai/Mixtral-8x7B-v0.1",
    "mistralai/Mixtral-8x7B-Instruct-v0.1",
    "mistralai/Mixtral-8x22B-v0.1",
]
QWEN = [
    "Qwen/Qwen2.5-7B-Instruct-1M",
    "Qwen/Qwen2.5-Math-7B",
    "Qwen/Qwen2.5-7B-Instruct",
    "Qwen/Qwen2.5-7B",
    "Qwen/Qwen2.5-Coder-7B",
    "Qwen/Qwen2.5-72B-Instruct",
    "Qwen/Qwen3-8B",
    "Qwen/Qwen3-8B-Base",
]
DEEPSEEK = [
    "deepseek-ai/DeepSeek-V3",
    "deepseek-ai/DeepSeek-V3-Base",
    "deepseek-ai/DeepSeek-V3-0324",
    "deepseek-ai/DeepSeek-V2",
]


@pytest.mark.parametrize(
    ("name", "candidates", "repo"),
    [
        # the base repo unless the name names a variant
        ("Llama 3.1 70B", LLAMA, "meta-llama/Llama-3.1-70B"),
        ("Llama 3.1 70B Instruct", LLAMA, "meta-llama/Llama-3.1-70B-Instruct"),
        ("llama-3.1-70b-instruct", LLAMA, "meta-llama/Llama-3.1-70B-Instruct"),
        ("Meta Llama 3.1 8B", LLAMA, "meta-llama/Llama-3.1-8B"),
        ("Llama_3.1_8B", LLAMA, "meta-llama/Llama-3.1-8B"),
        ("Llama 3.1 8B.", LLAMA, "meta-llama/Llama-3.1-8B"),
        ("Llama3.1 8B", LLAMA, "meta-llama/Llama-3.1-8B"),  # letter-digit hyphen ignored
        ("meta-llama/Llama-3.1-8B", LLAMA, "meta-llama/Llama-3.1-8B"),
        ("Llama 3 8B", ["meta-llama/Meta-Llama-3-8B"], "meta-llama/Meta-Llama-3-8B"),
        # a trailing version suffix is ignored when the name has none
        ("Mixtral 8x7B", MISTRAL, "mistralai/Mixtral-8x7B-v0.1"),
        ("Mixtral 8x7B Instruct", MISTRAL, "mistralai/Mixtral-8x7B-Instruct-v0.1"),
        ("Mistral 7B v0.3", MISTRAL, "mistralai/Mistral-7B-v0.3"),
        ("Mistral 7B Instruct", MISTRAL, "mistralai/Mistral-7B-Instruct-v0.3"),
        ("Mistral 7B Instruct v0.3", MISTRAL, "mistralai/Mistral-7B-Instruct-v0.3"),
        ("Mistral 7B (v0.1)", MISTRAL, "mistralai/Mistral-7B-v0.1"),
        # an unversioned repo wins over versioned ones
        ("Foo 7B", ["org/Foo-7B-v0.1", "org/Foo-7B"], "org/Foo-7B"),
        # "-V3" is DeepSeek's generation: the name must say it
        ("DeepSeek V3", DEEPSEEK, "deepseek-ai/DeepSeek-V3"),
        ("DeepSeek-V3 Base", DEEPSEEK, "deepseek-ai/DeepSeek-V3-Base"),
        # extra parts are other models
        ("Qwen2.5 7B", QWEN, "Qwen/Qwen2.5-7B"),
        ("Qwen 2.5 7B", QWEN, "Qwen/Qwen2.5-7B"),
        ("Qwen2.5 7B Instruct", QWEN, "Qwen/Qwen2.5-7B-Instruct"),
        ("Qwen2.5 Math 7B", QWEN, "Qwen/Qwen2.5-Math-7B"),
        ("Qwen2.5 72B Instruct", QWEN, "Qwen/Qwen2.5-72B-Instruct"),
        # "Base": the -Base repo when there is one, else the plain repo
        ("Qwen3 8B Base", QWEN, "Qwen/Qwen3-8B-Base"),
        ("Qwen3 8B", QWEN, "Qwen/Qwen3-8B"),
        ("Qwen2.5 7B Base", QWEN, "Qwen/Qwen2.5-7B"),
        ("Llama 3.1 70B Base", LLAMA, "meta-llama/Llama-3.1-70B"),
        # the majority owner's candidates only
        ("Qwen2.5 7B", [*QWEN, "unsloth/Qwen2.5-7B"], "Qwen/Qwen2.5-7B"),
        ("Qwen2.5 7B", ["Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B"], "Qwen/Qwen2.5-7B"),  # repeated
        ("Gemma 2 9B IT", ["google/gemma-2-9b", "google/gemma-2-9b-it"], "google/gemma-2-9b-it"),
        ("Gemma 2 9B", ["google/gemma-2-9b", "google/gemma-2-9b-it"], "google/gemma-2-9b"),
    ],
)
def test_pick_repo(name, candidates, repo):
    assert pick_repo(name, candidates) == repo


@pytest.mark.parametrize(
    ("name", "candidates"),
    [
        # ambiguous: two base versions, or two instruct versions
        ("Mistral 7B", MISTRAL),
        ("Mistral 7B", ["mistralai/Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.3"]),
        ("Mistral 7B Instruct", ["org/Mistral-7B-Instruct-v0.2", "org/Mistral-7B-Instruct-v0.3"]),
        ("Llama 3.1 70B", ["meta-llama/Llama-3.1-70B", "meta-llama/Meta-Llama-3.1-70B"]),
        # only variants or other sizes: no match
        ("Qwen2.5 7B", ["Qwen/Qwen2.5-7B-Instruct-1M", "Qwen/Qwen2.5-Math-7B"]),
        ("Qwen2.5 7B", ["Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-72B"]),
        ("Llama 3.1 405B", LLAMA),  # only -FP8 is listed
        ("Llama 3.1 70B Chat", LLAMA),
        ("Mistral 7B v0.2", MISTRAL),  # the version the name gives is not there
        ("Mixtral 8x7B v0.1 Instruct", MISTRAL),  # the suffix is trailing only
        ("DeepSeek", DEEPSEEK),  # the generation is no revision to ignore
        ("DeepSeek V4", DEEPSEEK),
        ("Command R+", ["CohereForAI/c4ai-command-r", "CohereForAI/command-r"]),
        # third-party copies
        ("Qwen2.5 7B", ["Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-72B", "unsloth/Qwen2.5-7B"]),
        ("Qwen2.5 7B", ["Qwen/Qwen2.5-7B", "unsloth/Qwen2.5-7B"]),  # no majority owner
        ("meta-llama/Llama-3.1-8B", ["unsloth/Llama-3.1-8B"]),  # the owner written differs
        # nothing to go on
        ("Llama 3.1 70B", []),
        ("", LLAMA),
        ("   ", LLAMA),
    ],
)
def test_pick_repo_declines(name, candidates):
    assert pick_repo(name, candidates) is None
