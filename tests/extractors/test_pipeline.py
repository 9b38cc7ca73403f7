"""The extractor on sentences written for the cases the issue names."""

import pytest

from extractors.pipeline import build_pipeline, extract


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline()


def claims(nlp, text):
    return [(c.text, c.value, c.unit, c.qualifier) for c in extract(nlp, text).claims]


def one(nlp, text):
    found = extract(nlp, text).claims
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("Qwen passed 700 million downloads.", 700_000_000, "downloads", "more_than"),
        ("The model has 1.5B parameters.", 1_500_000_000, "parameters", None),
        ("The start-up raised $20M.", 20_000_000, "USD", None),
        ("Mistral AI raised €600 million.", 600_000_000, "EUR", None),
        ("Qwen holds ~15% of open-model downloads.", 15, "percent", "approx"),
        ("Qwen holds about 15 percent of the market.", 15, "percent", "approx"),
        ("Llama has over 600 million downloads.", 600_000_000, "downloads", "more_than"),
        ("It reads 128K tokens at once in its context window.", 128_000, "tokens", None),
        ("Nearly two-thirds of downloads were Qwen models.", 0.667, "fraction", "approx"),
        ("The lab trained it on eight H100 GPUs.", 8, "count", None),
        ("Inference is 3x faster than before.", 3, "multiplier", None),
        ("DeepSeek did not reach 1 billion downloads.", 1_000_000_000, "downloads", "negated"),
        ("Access costs up to $200 a month.", 200, "USD", "up_to"),
    ],
)
def test_values_units_and_qualifiers(nlp, text, value, unit, qualifier):
    claim = one(nlp, text)
    assert (claim.value, claim.unit, claim.qualifier) == (value, unit, qualifier)


def test_ranges(nlp):
    claim = one(nlp, "Models range from 600M to tens of billions of parameters.")
    assert claim.value == [600_000_000, 10_000_000_000]
    claim = one(nlp, "The round was $10-20 million.")
    assert claim.value == [10_000_000, 20_000_000] and claim.unit == "USD"


@pytest.mark.parametrize(
    "text",
    [
        "Qwen2.5-1.5B was the most downloaded model in October.",
        "DeepSeek-R1 is No. 1 on the leaderboard.",
        "Kimi K2 topped the charts on Hugging Face.",
    ],
)
def test_superlatives_that_state_a_rank_are_claims(nlp, text):
    claim = next(c for c in extract(nlp, text).claims if c.unit == "rank")
    assert (claim.value, claim.metric) == (1, "rank")


@pytest.mark.parametrize(
    "text",
    [
        "Meta released Llama 3.1 405B in two variants.",
        "Qwen3 arrived with version 2.0 of the toolkit in 2024.",
        "The four labs each shipped three sizes of gpt-oss-120b.",
    ],
)
def test_traps_are_not_claims(nlp, text):
    assert extract(nlp, text).claims == []


def test_the_name_number_becomes_a_claim_when_spelled_as_a_size(nlp):
    claim = one(nlp, "Meta called Llama 3.1 the 405-billion-parameter model of its dreams.")
    assert (claim.value, claim.unit, claim.metric) == (
        405_000_000_000,
        "parameters",
        "params_total",
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Qwen3-8B was released last March.", "2025-03"),  # the article is of 2025-11-04
        ("Qwen3-8B was released last November.", "2024-11"),  # a year ago, not this month
        ("Qwen3-8B was released at the end of September.", "2025-09"),
        ("Qwen3-8B was released later in November.", "2025-11"),
    ],
)
def test_a_release_month_with_its_words_before(nlp, text, value):
    [claim] = [c for c in extract(nlp, text, PUBLISHED).claims if c.metric == "release_date"]
    assert claim.value == value


def test_dates_at_the_precision_written(nlp):
    assert one(nlp, "GLM-4.5 was released in July 2025.").value == "2025-07"
    assert one(nlp, "It launched on 5 August 2025.").value == "2025-08-05"


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Qwen passed 700 million downloads on Hugging Face in January.", "downloads_total"),
        ("DeepSeek crossed the 100 million downloads mark this month.", "downloads_total"),
        ("Qwen drew 25 million downloads in October.", "downloads_period"),
        ("Qwen logged 25 million downloads a month.", "downloads_period"),
        ("Qwen has 700 million downloads in total.", "downloads_total"),
    ],
)
def test_a_total_crossing_a_mark_in_a_month_is_still_a_total(nlp, text, metric):
    assert one(nlp, text).metric == metric


def test_subject_is_the_entity_the_figure_is_about(nlp):
    claim = one(nlp, "DeepSeek-R1 beat GPT-4o with a score of 79.8 on AIME.")
    assert (claim.subject, claim.subject_hub_id) == ("DeepSeek-R1", "deepseek-ai/DeepSeek-R1")
    found = extract(
        nlp, "Moonshot AI, which makes Kimi K2, raised $600 million at a $4 billion valuation."
    )
    assert {c.subject for c in found.claims} == {"Moonshot AI"}
    assert [c.metric for c in found.claims] == ["funding_round", "valuation"]


def test_entities_and_links(nlp):
    result = extract(
        nlp,
        "Alibaba Cloud's Qwen team shipped Qwen2.5-1.5B-Instruct; Zhipu AI (Z.ai) shipped "
        "GLM-4.5-Air; OpenAI's gpt-oss-120b and GPT-4o; Meta's Llama 5 70B; Qwen3.5-Omni.",
    )
    models = {m.text: m.hub_id for m in result.models}
    assert models == {
        "Qwen2.5-1.5B-Instruct": "Qwen/Qwen2.5-1.5B-Instruct",
        "GLM-4.5-Air": "zai-org/GLM-4.5-Air",
        "gpt-oss-120b": "openai/gpt-oss-120b",
        "GPT-4o": None,
        # a size names one checkpoint, but no known repo has this name: the author only,
        # never an invented id such as meta-llama/Llama-5-70B
        "Llama 5 70B": "meta-llama",
        "Qwen3.5-Omni": "Qwen",
    }
    orgs = {o.text: (o.canonical, o.hub_id) for o in result.orgs}
    assert orgs == {
        "Alibaba Cloud": ("Alibaba", "Qwen"),
        "Qwen team": ("Alibaba", "Qwen"),
        "Zhipu AI": ("Zhipu AI", "zai-org"),
        "Z.ai": ("Zhipu AI", "zai-org"),
        "OpenAI": ("OpenAI", "openai"),
        "Meta": ("Meta", "meta-llama"),
    }


def test_api_only_variants_have_no_hub_id(nlp):
    result = extract(nlp, "Grok 4, Mistral Medium 3, FLUX.2 [pro] and Qwen2.5-Max are API-only.")
    assert {m.text: m.hub_id for m in result.models} == {
        "Grok 4": None,
        "Mistral Medium 3": None,
        "FLUX.2 [pro]": None,
        "Qwen2.5-Max": None,
    }


def test_repo_ids_from_the_database_link_any_spelling():
    nlp = build_pipeline(hub_ids=["Qwen/Qwen9-7B-Chat"])
    result = extract(nlp, "Qwen9 7B Chat and qwen9-7b-chat are the same model.")
    assert [m.hub_id for m in result.models] == ["Qwen/Qwen9-7B-Chat"] * 2


def test_config_entities_extend_the_knowledge():
    nlp = build_pipeline(
        {
            "companies": [{"name": "Acme AI", "aliases": ["Acme"], "hub_authors": ["acme"]}],
            "models": [{"name": "RoadRunner", "hub_id": "acme/roadrunner-7b", "aliases": []}],
        }
    )
    result = extract(nlp, "Acme released RoadRunner.")
    assert result.orgs[0].canonical == "Acme AI" and result.orgs[0].hub_id == "acme"
    assert result.models[0].hub_id == "acme/roadrunner-7b"


def test_people_products_and_exchanges_are_not_entities(nlp):
    result = extract(nlp, "Sam Altman said ChatGPT and the Gemini app grew; shares rose on Nasdaq.")
    assert result.models == [] and result.orgs == []


def test_a_trained_pipeline_named_in_config_adds_its_organisations(tmp_path):
    import spacy

    trained = spacy.blank("en")  # stands in for an installed statistical pipeline
    trained.add_pipe("entity_ruler").add_patterns(
        [{"label": "ORG", "pattern": "Acme Widgets"}, {"label": "ORG", "pattern": "Meta"}]
    )
    trained.to_disk(tmp_path / "trained")
    nlp = build_pipeline({"statistical_model": str(tmp_path / "trained")})
    result = extract(nlp, "Acme Widgets and Meta signed a deal.")
    assert [(o.text, o.canonical) for o in result.orgs] == [
        ("Acme Widgets", "Acme Widgets"),
        ("Meta", "Meta"),  # found by the rules; the trained pipeline's copy is not doubled
    ]


def test_a_missing_trained_pipeline_is_a_clear_error():
    from extractors.pipeline import StatisticalModelMissing

    with pytest.raises(StatisticalModelMissing, match="not an installed spaCy pipeline"):
        build_pipeline({"statistical_model": "en_core_web_nonexistent"})


def test_short_stems_are_not_found_in_ordinary_words(nlp):
    result = extract(nlp, "Im Mai 2019 stieg der Umsatz. Together, they wrote a yi 2 poem.")
    assert result.models == [] and result.orgs == []


@pytest.mark.parametrize(
    "name",
    [
        "Qwen2.5-1.5B-Instruct",
        "DeepSeek-R1",
        "Llama 3.1 405B",
        "FLUX.2 [klein]",
        "gpt-oss-120b",
        "GLM-4.5-Air",
        "Kimi K2",
        "Qwen3.5-Omni",
        "Llama 5 70B",
    ],
)
def test_the_issue_s_model_names_are_one_mention_each(nlp, name):
    result = extract(nlp, f"Yesterday {name} was released with open weights.")
    assert [m.text for m in result.models] == [name]
    assert result.claims == []  # the numbers in a name are not claims


PUBLISHED = __import__("datetime").date(2025, 11, 4)


@pytest.mark.parametrize(
    ("text", "figure", "metric", "value", "detail"),
    [
        (
            "Qwen has been downloaded forty-two million times.",
            "forty-two million times",
            "downloads_total",
            42_000_000,
            None,
        ),
        (
            "DeepSeek-V3 has 671 billion parameters, 37 billion of which are activated.",
            "37 billion",
            "params_active",
            37_000_000_000,
            None,
        ),
        (
            "DeepSeek-V3 uses a vocabulary of 129,280 tokens.",
            "129,280 tokens",
            "vocab_size",
            129_280,
            None,
        ),
        ("DeepSeek-V3 stacks 61 layers.", "61 layers", "layers", 61, None),
        (
            "DeepSeek-V3 routes each token to 8 of its 256 experts.",
            "256 experts",
            "experts_total",
            256,
            None,
        ),
        (
            "DeepSeek-V3 activates eight experts per token.",
            "eight experts per token",
            "experts_active",
            8,
            None,
        ),
        (
            "The weights of DeepSeek-V3 take 1.3TB on disk.",
            "1.3TB",
            "storage_size",
            1_300_000_000_000,
            None,
        ),
        ("DeepSeek-V3 needs 80GB of VRAM.", "80GB", "memory", 80_000_000_000, None),
        ("DeepSeek-V3 ships in FP8.", "FP8", "quant_bits", 8, None),
        (
            "Qwen3-8B is released under the Apache 2.0 license.",
            "Apache 2.0 license",
            "license",
            "apache-2.0",
            None,
        ),
        ("Qwen3-8B launched on March 3.", "March 3", "release_date", "2025-03-03", None),
        (
            "Qwen3-8B has more than 3,000 fine-tunes.",
            "more than 3,000 fine-tunes",
            "derivatives",
            3000,
            "fine-tunes",
        ),
        ("Qwen3-8B scores 76.9 on MMLU-Pro.", "76.9", "benchmark_score", 76.9, "MMLU-Pro"),
        ("On Hugging Face, Qwen3-8B has 900 likes.", "900 likes", "likes", 900, None),
    ],
)
def test_metrics_the_hub_can_answer(nlp, text, figure, metric, value, detail):
    claim = next(c for c in extract(nlp, text, PUBLISHED).claims if c.text == figure)
    assert (claim.metric, claim.value, claim.detail) == (metric, value, detail)


@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        ("On Hugging Face, Kimi K2 has 12,000 likes.", "12,000 likes", "Kimi K2"),
        ("Kimi K2 from Moonshot AI has 12,000 likes.", "12,000 likes", "Kimi K2"),
        (
            "OpenAI's repos drew 13.8 million downloads, more than Meta's 12.8 million.",
            "12.8 million",
            "Meta",
        ),
        ("Qwen3-8B was released in April. It has 36 layers.", "36 layers", "Qwen3-8B"),
    ],
)
def test_the_subject_is_what_the_figure_is_about(nlp, text, figure, subject):
    claim = next(c for c in extract(nlp, text, PUBLISHED).claims if c.text == figure)
    assert claim.subject == subject


@pytest.mark.parametrize(
    "text",
    [
        "The fix landed in issue number 42 of the tracker.",
        "Story number 7 covered Qwen.",
        "It was tested 5-shot on MMLU.",
    ],
)
def test_labels_and_settings_are_not_claims(nlp, text):
    assert [c.text for c in extract(nlp, text).claims if c.metric == "rank"] == []
    assert not any(c.text in ("42", "7", "5") for c in extract(nlp, text).claims)


def test_a_claim_carries_its_sentence_and_period(nlp):
    [claim] = extract(
        nlp, "Intro. Qwen3-8B drew 25 million downloads in October.", PUBLISHED
    ).claims
    assert claim.sentence == "Qwen3-8B drew 25 million downloads in October."
    assert (claim.metric, claim.period.month) == ("downloads_period", "2025-10")


def test_links_say_how_precisely_a_name_is_known(nlp):
    result = extract(nlp, "Qwen, Qwen3, Gemma, Llama 3.1 70B and GPT-4o.")
    assert {m.text: (m.hub_id, str(m.link)) for m in result.models} == {
        "Qwen": ("Qwen", "family"),
        "Qwen3": ("Qwen", "series"),
        "Gemma": ("google", "series"),  # one line of google's repos, not all of them
        "Llama 3.1 70B": ("meta-llama", "unresolved"),
        "GPT-4o": (None, "closed"),
    }


@pytest.mark.parametrize(
    "text",
    [
        "Qwen3 is out.  It has 235B parameters!\n\nNo. 1 on the board. Really?? Yes",
        "",
        "   leading spaces. And a tail   ",
        "One sentence with no end",
    ],
)
def test_the_layout_reads_the_sentences_spacy_would_give(nlp, text):
    """The rules read sentence and token bounds from arrays, not Span objects: the
    bounds must be the ones spaCy's own objects report."""
    from extractors.pipeline import _Layout

    doc = nlp.get_pipe("sentencizer")(nlp.make_doc(text))
    layout = _Layout.of(doc)
    assert layout.sentence_chars() == [(s.start_char, s.end_char) for s in doc.sents]
    for i, token in enumerate(doc):
        a, b = layout.sentence_of(i)
        assert (a, b) == (token.sent.start, token.sent.end)
        [(w_start, w_end)] = layout.windows([i], 2, 3)
        assert (w_start, w_end) == (max(a, i - 2), min(b, i + 4))


def test_the_result_does_not_depend_on_how_the_text_reaches_the_component(nlp):
    text = "DeepSeek-V3 has 671B parameters and a 128K context. It topped the chart."
    via_extract = extract(nlp, text)
    doc = nlp(text)  # no original text handed in: the component reads Doc.text
    assert doc.user_data["trendbot"][1] == via_extract.claims


def _claim(nlp, text, figure):
    found = extract(nlp, text, PUBLISHED).claims
    return next((c for c in found if c.text == figure), None), [c.text for c in found]


@pytest.mark.parametrize(
    ("text", "figure", "metric", "value", "qualifier"),
    [
        # a local-attention window is not the context
        (
            "Gemma-2-9B uses a 4,096-token sliding window.",
            "4,096-token sliding window",
            "sliding_window",
            4096,
            None,
        ),
        # "over a", "spread over": prepositions, not "more than"
        ("It attends over a 32K context.", "32K", "context_length", 32000, None),
        ("Its 123 billion parameters are spread over 88 layers.", "88 layers", "layers", 88, None),
        ("It stacks over 80 layers.", "over 80 layers", "layers", 80, "more_than"),
        # a word number written with a hyphen is one token, and still a figure
        ("Qwen3-8B has thirty-six layers.", "thirty-six layers", "layers", 36, None),
        # the nouns of derivatives, and the one that names a metric wins a tie
        ("Phi-4 has 610 direct derivatives.", "610 direct derivatives", "derivatives", 610, None),
        ("Phi-4 has only 1,500 children.", "1,500 children", "derivatives", 1500, None),
        (
            "Phi-4 has more than 4,000 derivative models.",
            "more than 4,000 derivative models",
            "derivatives",
            4000,
            "more_than",
        ),
        # a date the Hub dates: "on the Hub since", "reached the Hub on"
        (
            "Phi-4 has been on the Hub since March 17, 2025.",
            "March 17, 2025",
            "release_date",
            "2025-03-17",
            None,
        ),
        (
            "DeepSeek-V3.2 reached the Hub on December 1.",
            "December 1",
            "release_date",
            "2024-12-01",
            None,
        ),
        # licences: the British spelling, a name of its own, a versioned name alone
        (
            "Qwen-7B ships under the Tongyi Qianwen licence.",
            "Tongyi Qianwen licence",
            "license",
            "tongyi-qianwen",
            None,
        ),
        (
            "It is released under the Mistral Research License.",
            "Mistral Research License",
            "license",
            "mrl",
            None,
        ),
        ("Qwen3-8B and Qwen3-4B are both Apache 2.0.", "Apache 2.0", "license", "apache-2.0", None),
        # "among N experts" is the pool, whatever routes through it
        ("GLM-4.5-Air routes tokens among 128 experts.", "128 experts", "experts_total", 128, None),
    ],
)
def test_metrics_read_from_the_words_around_a_figure(nlp, text, figure, metric, value, qualifier):
    claim, found = _claim(nlp, text, figure)
    assert claim is not None, found
    assert (claim.metric, claim.value, claim.qualifier) == (metric, value, qualifier)


def test_a_context_word_of_another_clause_does_not_name_the_metric(nlp):
    text = "Qwen3-0.6B counts 712 likes, while Qwen2.5-1.5B-Instruct has topped 200 million."
    claim, found = _claim(nlp, text, "topped 200 million")
    assert claim is not None, found
    assert claim.metric != "likes"


def test_a_lab_that_speaks_is_not_the_subject_of_a_model_figure(nlp):
    text = "gpt-oss-20b is out. Each token visits 4 experts, and OpenAI says it fits in 16 GB."
    claim, found = _claim(nlp, text, "4 experts")
    assert claim is not None, found
    assert claim.subject != "OpenAI"


def test_a_known_repo_no_family_starts_is_a_mention():
    nlp = build_pipeline({}, ["google/vit-base-patch16-224", "google/flan-t5-base"])
    found = extract(nlp, "Google's vit-base-patch16-224 and flan-t5-base have 610 likes each.")
    assert [(m.text, m.hub_id) for m in found.models] == [
        ("vit-base-patch16-224", "google/vit-base-patch16-224"),
        ("flan-t5-base", "google/flan-t5-base"),
    ]
    # an unknown hyphenated word is no model
    assert extract(nlp, "The state-of-the-art x-ray-3 scanner.").models == []


@pytest.mark.parametrize(
    ("text", "figure", "metric", "period_words"),
    [
        # a period that opens the sentence dates its counts
        (
            "Over the past 30 days, Qwen3-8B logged 8.4 million downloads.",
            "8.4 million downloads",
            "downloads_period",
            "past 30",
        ),
        # a period earlier in the figure's own clause
        (
            "Qwen3-8B is popular, and over the past 30 days it drew 3.4 million downloads to "
            "Phi-4's 5.6 million.",
            "5.6 million",
            "downloads_period",
            "past 30",
        ),
        # "last month" is a calendar month, not the rolling window
        (
            "Qwen3-8B drew 5.2 million downloads last month.",
            "5.2 million downloads",
            "downloads_period",
            "last month",
        ),
    ],
)
def test_the_period_a_count_is_made_in(nlp, text, figure, metric, period_words):
    claim, found = _claim(nlp, text, figure)
    assert claim is not None, found
    assert claim.metric == metric
    assert claim.period is not None and claim.period.words == period_words


def test_last_month_is_the_month_before_the_article():
    from extractors.claims import period_of

    period = period_of("It drew 5.2 million downloads last month.", PUBLISHED)
    assert (period.month, period.days) == ("2025-10", None)


@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        # the one it is compared with, or built on, is not the subject
        (
            "On the Hub, Qwen3-8B is second only to Phi-4 in downloads, with 169 million.",
            "169 million",
            "Qwen3-8B",
        ),
        (
            "DeepSeek-R1 is built on DeepSeek-V3 and has 2,110 derivatives.",
            "2,110 derivatives",
            "DeepSeek-R1",
        ),
        # a lab's collection named before the figure, whatever model comes after
        (
            "Google's repositories have been downloaded 174 million times, and Gemma 3 accounts "
            "for half.",
            "174 million times",
            "Google",
        ),
        # "8K." ends its sentence, so "the company" cannot reach back to the model
        (
            "Phi-4 tops out at 16K. Together the company's repos have 10.4 million downloads.",
            "10.4 million downloads",
            None,
        ),
    ],
)
def test_subjects_after_comparisons_bases_and_collections(nlp, text, figure, subject):
    claim, found = _claim(nlp, text, figure)
    assert claim is not None, found
    assert claim.subject == subject


def test_a_decimal_comma_never_leaves_half_a_number(nlp):
    found = [c.text for c in extract(nlp, "Qwen2.5-7B has 7,6 billion parameters.").claims]
    assert not any(text.startswith("6") for text in found), found


@pytest.mark.parametrize(
    ("text", "figure", "metric", "subject"),
    [
        # "new" before the noun of derivatives
        (
            "Kimi-K2-Thinking picks up 41 new derivatives this week.",
            "41 new derivatives",
            "derivatives",
            "Kimi-K2-Thinking",
        ),
        # an appositive reference is not the subject
        (
            "Phi-4-mini, the smaller twin of Phi-4, has 420 likes.",
            "420 likes",
            "likes",
            "Phi-4-mini",
        ),
        # "the base repo": the one whose name says so
        (
            "DeepSeek-V3-Base and DeepSeek-V3 differ: the base repo has 28 derivatives.",
            "28 derivatives",
            "derivatives",
            "DeepSeek-V3-Base",
        ),
    ],
)
def test_subjects_and_metrics_in_other_styles(nlp, text, figure, metric, subject):
    claim, found = _claim(nlp, text, figure)
    assert claim is not None, found
    assert (claim.metric, claim.subject) == (metric, subject)


def test_a_figure_on_launch_day_is_counted_since_release(nlp):
    claim, found = _claim(
        nlp, "gpt-oss-20b drew 1 million downloads on launch day.", "1 million downloads"
    )
    assert claim is not None, found
    assert claim.metric == "downloads_period"


def test_a_routing_verb_names_experts_only_when_experts_are_named(nlp):
    picked = extract(nlp, "Kimi-K2-Thinking picks up 41 more this week.", PUBLISHED).claims
    assert all(c.metric != "experts_active" for c in picked), picked
    routed, found = _claim(nlp, "Kimi-K2 routes each token to 8 of its experts.", "8")
    assert routed is not None and routed.metric == "experts_active", found


@pytest.mark.parametrize(
    ("text", "figure", "metric", "qualifier", "subject"),
    [
        # "clears 80" is above the mark
        (
            "On the card, Qwen3-8B clears 80 on MMLU.",
            "clears 80",
            "benchmark_score",
            "more_than",
            "Qwen3-8B",
        ),
        # experts chosen for each token are the active ones, not the pool
        (
            "Mixtral-8x22B-v0.1 routes its input through two experts chosen for each token.",
            "two experts",
            "experts_active",
            None,
            "Mixtral-8x22B-v0.1",
        ),
        # a hedge before the first of two figures joined by "and" holds for both
        (
            "Qwen3-8B tops 5 million downloads and 900 likes.",
            "900 likes",
            "likes",
            "more_than",
            "Qwen3-8B",
        ),
        # "the former" and "the latter": the first and second of the two named before
        (
            "Phi-4 and Qwen3-8B were compared on GPQA: the former scores 56.1 and the latter 59.3.",
            "56.1",
            "benchmark_score",
            None,
            "Phi-4",
        ),
        (
            "Phi-4 and Qwen3-8B were compared on GPQA: the former scores 56.1 and the latter 59.3.",
            "59.3",
            "benchmark_score",
            None,
            "Qwen3-8B",
        ),
        # "the smaller model": of the two named, the one whose name carries the smaller size
        (
            "Qwen3-32B and Qwen3-8B share a tokenizer. The smaller model has 1,200 likes.",
            "1,200 likes",
            "likes",
            None,
            "Qwen3-8B",
        ),
        # "59.3 for X": the figure is given to the name after "for"
        (
            "On GPQA, Phi-4 posts 56.1 against 59.3 for Qwen3-8B.",
            "59.3",
            "benchmark_score",
            None,
            "Qwen3-8B",
        ),
        # "less than half of what X has": X is the comparison, not the subject
        (
            "Hardly anyone starred it: 300 likes, less than half of what Qwen3-8B has.",
            "300 likes",
            "likes",
            None,
            None,
        ),
        # a plural pronoun between the model and the figure: the figure is theirs, not its
        (
            "Microsoft's repos count 90 million downloads, most for Phi-4, and they hold "
            "4,000 likes.",
            "4,000 likes",
            "likes",
            None,
            None,
        ),
        # "has not yet passed N": still below the mark, a claim like "fewer than"
        (
            "Qwen3-8B has not yet passed 2 million downloads.",
            "2 million downloads",
            "downloads_total",
            "less_than",
            "Qwen3-8B",
        ),
        (
            "Qwen3-8B has still not reached 2 million downloads.",
            "2 million downloads",
            "downloads_total",
            "less_than",
            "Qwen3-8B",
        ),
        # other negations stay negated: never judged
        (
            "Qwen3-8B did not get 2 million downloads.",
            "2 million downloads",
            "downloads_total",
            "negated",
            "Qwen3-8B",
        ),
        # a label noun before its figure, as changelogs and tables write them
        (
            "Changelog for Qwen3-8B: likes now 1,310, derivatives now 75.",
            "1,310",
            "likes",
            None,
            "Qwen3-8B",
        ),
        (
            "Changelog for Qwen3-8B: likes now 1,310, derivatives now 75.",
            "75",
            "derivatives",
            None,
            "Qwen3-8B",
        ),
        # "the instruct model" is not the quantised build of it; "the base" is the name
        # another one extends
        (
            "Qwen3-8B and Qwen3-8B-Instruct ship with Qwen3-8B-Instruct-AWQ. "
            "The instruct model has 900 likes, while the base has 75 derivatives.",
            "900 likes",
            "likes",
            None,
            "Qwen3-8B-Instruct",
        ),
        (
            "Qwen3-8B and Qwen3-8B-Instruct ship with Qwen3-8B-Instruct-AWQ. "
            "The instruct model has 900 likes, while the base has 75 derivatives.",
            "75 derivatives",
            "derivatives",
            None,
            "Qwen3-8B",
        ),
        # a sentence naming no one goes on about the one model named just before
        (
            "Honestly, Qwen3-30B-A3B is underrated. 3B active, 128 experts, no complaints.",
            "128 experts",
            "experts_total",
            None,
            "Qwen3-30B-A3B",
        ),
        # a token count too small for a training set is a length, even beside "trained"
        (
            "Qwen3-8B was trained on 36 trillion tokens and handles 128K tokens.",
            "128K tokens",
            "context_length",
            None,
            "Qwen3-8B",
        ),
        (
            "Qwen3-8B was trained on 36 trillion tokens and handles 128K tokens.",
            "36 trillion tokens",
            "training_tokens",
            None,
            "Qwen3-8B",
        ),
        # "went up on", "created": a repo's release
        (
            "Qwen3-8B went up on April 29, 2025.",
            "April 29, 2025",
            "release_date",
            None,
            "Qwen3-8B",
        ),
        # an item of a release list takes the list's verb
        (
            "Qwen3-8B went live on April 29, 2025; Qwen3-32B on May 2, 2025.",
            "May 2, 2025",
            "release_date",
            None,
            "Qwen3-32B",
        ),
        # "1.6 times Meta's total": a ratio, however close the word "downloads" is; the
        # figure after "Meta's total of" is Meta's
        (
            "Qwen passed 700 million downloads on Hugging Face, roughly 1.6 times Meta's "
            "total of about 450 million.",
            "roughly 1.6 times",
            "speedup",
            "approx",
            "Qwen",
        ),
        (
            "Qwen passed 700 million downloads on Hugging Face, roughly 1.6 times Meta's "
            "total of about 450 million.",
            "about 450 million",
            "downloads_total",
            "approx",
            "Meta",
        ),
        # "eight experts out of 128": the chosen ones, before the pool
        (
            "In Qwen3-30B-A3B a router chooses eight experts out of 128.",
            "eight experts",
            "experts_active",
            None,
            "Qwen3-30B-A3B",
        ),
        # experts that fire per token are the active ones
        (
            "DeepSeek-V3 has 256 routed experts, of which 8 fire per token.",
            "8",
            "experts_active",
            None,
            "DeepSeek-V3",
        ),
        # "in its first two weeks": a period since release
        (
            "Qwen3-8B passed 1 million downloads in its first two weeks.",
            "passed 1 million downloads",
            "downloads_period",
            "more_than",
            "Qwen3-8B",
        ),
        # parameters used "for each token" or "at a time" are the active ones, and the
        # total before them stays the total
        (
            "Qwen3-30B-A3B holds 30 billion parameters but wakes only 3 billion of them for "
            "any given token.",
            "30 billion parameters",
            "params_total",
            None,
            "Qwen3-30B-A3B",
        ),
        (
            "Qwen3-30B-A3B holds 30 billion parameters but wakes only 3 billion of them for "
            "any given token.",
            "3 billion",
            "params_active",
            None,
            "Qwen3-30B-A3B",
        ),
        # the figure compared with is the one named right after it, or no one's
        (
            "Qwen repos drew 40 million downloads, four times the 10 million Meta's repos managed.",
            "10 million",
            "downloads_total",
            None,
            "Meta",
        ),
        (
            "GLM-4.5-Air has 2.4 million downloads, more than twice the flagship's 1.1 million.",
            "1.1 million",
            "downloads_total",
            None,
            None,
        ),
        # a count of its own noun is not the sentence's parameter count
        (
            "Qwen3-8B has 8.2 billion parameters, trained on 5 million hours of speech.",
            "5 million",
            "count",
            None,
            "Qwen3-8B",
        ),
    ],
)
def test_hedges_pointers_and_comparisons(nlp, text, figure, metric, qualifier, subject):
    claim, found = _claim(nlp, text, figure)
    assert claim is not None, found
    assert (claim.metric, claim.qualifier, claim.subject) == (metric, qualifier, subject)


def test_a_side_by_side_list_leaves_later_figures_unattributed(nlp):
    text = "gpt-oss-120b has 36 layers to gpt-oss-20b's 24, 128 experts to 32."
    found = {c.text: c.subject for c in extract(nlp, text).claims}
    assert found["36 layers"] == "gpt-oss-120b"
    assert found["24"] == "gpt-oss-20b"  # its own, by the possessive
    assert found["128 experts"] is None  # which side, the words do not say plainly


def test_and_makes_a_range_only_after_between(nlp):
    text = "gpt-oss-20b has 24 layers and 32 experts, 32 and four active experts per token."
    found = {c.text: c.value for c in extract(nlp, text).claims}
    assert found.get("four active experts per token") == 4, found  # not a range "32-4"
    assert not any(isinstance(value, list) for value in found.values()), found
    [between] = [c for c in extract(nlp, "It has between 32 and 64 experts.").claims]
    assert between.value == [32, 64]


@pytest.mark.parametrize(
    ("text", "figure", "detail"),
    [
        # the benchmark as written with a hyphen is still the benchmark
        ("Kimi-K2-Instruct lists 75.1 on GPQA-Diamond.", "75.1", "GPQA-Diamond"),
        # not borrowed from another clause after a semicolon
        ("Qwen3-8B lists 75.1 on GPQA-Diamond; on MMLU it posts 80.", "75.1", "GPQA-Diamond"),
        # not borrowed from the next clause either
        (
            "Phi-4 posts 84.8 on MMLU, ahead of Qwen3-8B's 69.4, and on MATH it has 80.",
            "69.4",
            "MMLU",
        ),
        # a benchmark trendbot does not know, named right after the score: none
        ("Qwen3-8B scored 70.1 on Zebra-Logic, and 80 on MMLU.", "70.1", None),
    ],
)
def test_the_benchmark_of_a_score_is_its_own_clause_s(nlp, text, figure, detail):
    claim, found = _claim(nlp, text, figure)
    assert claim is not None, found
    assert claim.detail == detail


def test_no_model_has_thousands_of_parameters(nlp):
    text = "Llama-3.2-1B stretches a 1-billion-parameter model to 128K."
    found = {c.text: c.metric for c in extract(nlp, text).claims}
    assert found.get("128K") != "params_total", found


def test_a_count_takes_the_period_of_its_own_clause(nlp):
    """ "which Alibaba released in September" dates the release, not the 30-day count."""
    text = (
        "Qwen3-8B, which Alibaba released in September, drew 611,000 downloads in the "
        "past 30 days and 3.6 million in total."
    )
    found = {c.text: c for c in extract(nlp, text, PUBLISHED).claims}
    recent = found["611,000 downloads"]
    assert recent.metric == "downloads_period" and recent.period.days == 30
    assert found["3.6 million"].metric == "downloads_total"


def test_a_release_month_does_not_make_a_count_a_period_count(nlp):
    text = "Qwen3-8B, released in September 2025, is closing in on 170 million downloads."
    [count] = [c for c in extract(nlp, text, PUBLISHED).claims if c.unit == "downloads"]
    assert count.metric == "downloads_total" and count.period is None
