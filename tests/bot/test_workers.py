"""The worker pool survives a worker that dies."""

import contextlib
import os
import signal

from bot.workers import Workers, summary_job


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def test_a_killed_worker_does_not_break_later_jobs():
    with Workers(1) as workers:
        first = await workers.run(summary_job, "Qwen passed 700 million downloads.")
        assert first.extraction.claims
        with contextlib.suppress(Exception):  # the job that kills its worker fails...
            await workers.run(_die)
        later = await workers.run(summary_job, "Moonshot AI raised $600 million.")
        assert later.extraction.claims[0].value == 600_000_000
        assert workers.rebuilds >= 1  # ...and later jobs run on a rebuilt pool


def test_the_main_process_reads_a_page_result_without_importing_the_nlp_stack(tmp_path):
    """The crawler's main process only unpickles results: spaCy and trafilatura
    stay in the workers (importing them there cost the crawl half a second)."""
    import pickle
    import subprocess
    import sys

    from bot.workers import extract_page_job

    html = (
        "<html><head><title>Qwen passes 700M</title></head><body><article>"
        + "<p>Qwen passed 700 million downloads on Hugging Face, Alibaba said.</p>" * 20
        + "</article></body></html>"
    )
    result = extract_page_job(html.encode(), "http://127.0.0.1/a", False)
    assert result.article is not None and result.extraction is not None
    (tmp_path / "page.pickle").write_bytes(pickle.dumps(result))
    probe = (
        "import pickle, sys; pickle.loads(open(sys.argv[1], 'rb').read()); "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "page.pickle")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "extractors" in loaded
    assert "spacy" not in loaded and "trafilatura" not in loaded
