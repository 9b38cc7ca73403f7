"""Trying a source: URLs always, local files only when the caller allows them."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

import pytest

from bot.config.schema import HttpSettings
from bot.ingest.feedcheck import FeedCheck, check_source, http_url_problem
from bot.ingest.fetch import Fetcher
from tests.fakes.feeds import Item, rss


class NoFetcher:
    """Fails the test if anything tries to fetch."""

    async def fetch(self, url: str):
        raise AssertionError(f"fetched {url}")


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.com/feed.xml", None),
        ("HTTP://Example.com/feed", None),
        ("/etc/passwd", "it must be an absolute http:// or https:// URL"),
        ("file:///etc/passwd", "it must be an absolute http:// or https:// URL"),
        ("ftp://example.com/feed", "it must be an absolute http:// or https:// URL"),
        ("example.com/feed.xml", "it must be an absolute http:// or https:// URL"),
        ("https:///feed.xml", "the URL has no host name"),
        ("http://[::1/feed", "it is not a valid URL"),
    ],
)
def test_http_url_problem(url, problem):
    assert http_url_problem(url) == problem


@pytest.mark.parametrize("source", ["/etc/passwd", "file:///etc/passwd", "/no/such/file"])
async def test_without_local_files_no_path_is_opened(source):
    check = await check_source(source, NoFetcher())  # type: ignore[arg-type]
    assert not check.ok
    assert check.error == f"{source}: it must be an absolute http:// or https:// URL"


async def test_a_file_url_names_the_file_it_points_at(tmp_path):
    feed = tmp_path / "a feed.xml"
    feed.write_bytes(rss([Item("One")]))
    url = feed.as_uri()  # file:///.../a%20feed.xml
    assert "%20" in url
    check = await check_source(url, None, local_files=True)
    assert check.ok, check.error
    assert check.entries == 1
    localhost = await check_source(
        url.replace("file://", "file://localhost"), None, local_files=True
    )
    assert localhost.ok, localhost.error


async def test_an_existing_file_is_never_reported_missing(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("just text")
    for source in (str(page), page.as_uri()):
        check = await check_source(source, None, local_files=True)
        assert not check.ok
        assert "No such file" not in check.error
        assert "not a feed" in check.error
    missing = await check_source((tmp_path / "gone.xml").as_uri(), None, local_files=True)
    assert missing.error.endswith("No such file or directory")


async def test_a_file_url_of_another_host_or_another_scheme_is_refused(tmp_path):
    remote = await check_source("file://fileserver/etc/passwd", None, local_files=True)
    assert remote.error == (
        "file://fileserver/etc/passwd: a file: URL must name a file on this machine, "
        "not on 'fileserver'"
    )
    ftp = await check_source("ftp://example.com/feed", None, local_files=True)
    assert ftp.error == (
        "ftp://example.com/feed: unsupported URL scheme 'ftp' (give an http(s) URL or a local file)"
    )


@pytest.fixture
def fifo(tmp_path):
    """A FIFO with no writer: opening it for reading the usual way blocks for ever."""
    path = tmp_path / "feed.fifo"
    os.mkfifo(path)
    yield path
    # had a reader opened it blocking, a writer coming and going lets it go (at EOF)
    with contextlib.suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


async def checked(source: str, **kwargs) -> FeedCheck:
    return await asyncio.wait_for(check_source(source, None, local_files=True, **kwargs), 10)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.timeout(30)
async def test_a_device_is_refused_without_reading_it():
    check = await checked("/dev/zero")
    assert not check.ok
    assert check.error == "/dev/zero: is a device, not a regular file"


@pytest.mark.timeout(30)
async def test_a_fifo_is_refused_without_waiting_for_a_writer(fifo):
    check = await checked(str(fifo))
    assert check.error == f"{fifo}: is a FIFO, not a regular file"
    by_url = await checked(fifo.as_uri())
    assert by_url.error == f"{fifo.as_uri()}: is a FIFO, not a regular file"


async def test_a_directory_is_refused_in_one_line(tmp_path):
    check = await checked(str(tmp_path))
    assert check.error == f"{tmp_path}: is a directory, not a regular file"


async def test_a_file_over_the_response_limit_is_refused(tmp_path):
    feed = tmp_path / "big.xml"
    feed.write_bytes(rss([Item(f"Story {n}") for n in range(50)]))
    size = feed.stat().st_size
    exact = await checked(str(feed), max_bytes=size)
    assert exact.ok, exact.error
    over = await checked(str(feed), max_bytes=size - 1)
    assert not over.ok
    assert over.error == f"{feed}: file over {size - 1:,} bytes (http.max_response_bytes)"


async def test_the_file_limit_is_the_fetchers(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss([Item("One")]))
    async with Fetcher(HttpSettings(max_response_bytes=100)) as fetcher:
        check = await check_source(str(feed), fetcher, local_files=True)
    assert check.error == f"{feed}: file over 100 bytes (http.max_response_bytes)"
