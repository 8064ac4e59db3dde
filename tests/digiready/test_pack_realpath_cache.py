"""load_pack resolves its folder's symlinks at most once per DIGIREADY_PACK_RECHECK_SECONDS
(a third of a cached load's CPU), and still follows a folder swapped behind a symlink."""
from __future__ import annotations

import os

from digiready import packs


def _swap(link, target):
    tmp = str(link) + ".new"
    os.symlink(target, tmp)
    os.replace(tmp, link)


def test_symlink_swap_is_followed_after_the_recheck_interval(tmp_path, monkeypatch):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    link = tmp_path / "current"
    os.symlink(a, link)
    monkeypatch.setenv("DIGIREADY_PACK_RECHECK_SECONDS", "3600")
    packs.clear_cache()
    assert packs._realpath(str(link)) == str(a)
    _swap(link, b)
    assert packs._realpath(str(link)) == str(a)  # within the interval: the cached answer
    packs.clear_cache()
    assert packs._realpath(str(link)) == str(b)
    monkeypatch.setenv("DIGIREADY_PACK_RECHECK_SECONDS", "0")  # 0: resolved on every use
    _swap(link, a)
    assert packs._realpath(str(link)) == str(a)


def test_relative_paths_are_resolved_against_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGIREADY_PACK_RECHECK_SECONDS", "3600")
    (tmp_path / "x" / "pack").mkdir(parents=True)
    (tmp_path / "y" / "pack").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "x")
    assert packs._realpath("pack") == str(tmp_path / "x" / "pack")
    monkeypatch.chdir(tmp_path / "y")
    assert packs._realpath("pack") == str(tmp_path / "y" / "pack")
