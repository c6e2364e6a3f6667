"""`mmzoo._files`: atomic writes and JSON files, shared by checkpoints, exports, figures and reports."""

import os

import pytest

from mmzoo._files import TEMPORARY_PREFIX, atomic_destination, atomic_write, read_json, write_json


def _leftovers(folder):
    return [name for name in os.listdir(folder) if name.startswith(TEMPORARY_PREFIX)]


def test_write_json_round_trips_unicode_and_ends_with_a_newline(tmp_path):
    path = tmp_path / "state.json"
    write_json(path, {"epoch": 3, "name": "café"}, indent=1)
    assert read_json(path) == {"epoch": 3, "name": "café"}
    assert path.read_text(encoding="utf-8").endswith("}\n") and "café" in path.read_text(encoding="utf-8")
    assert os.stat(path).st_mode & 0o777 == 0o644
    assert read_json(tmp_path / "missing.json") is None and not _leftovers(tmp_path)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "model.weights.h5"
    path.write_text("old")

    def fail(temporary):
        assert temporary.endswith("model.weights.h5")
        with open(temporary, "w") as handle:
            handle.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, fail)
    assert path.read_text() == "old" and not _leftovers(tmp_path)


def test_a_folder_is_replaced_whole(tmp_path):
    path = tmp_path / "saved_model"
    path.mkdir()
    (path / "old.txt").write_text("old")
    with atomic_destination(path) as temporary:
        os.mkdir(temporary)
        with open(os.path.join(temporary, "new.txt"), "w") as handle:
            handle.write("new")
    assert sorted(os.listdir(path)) == ["new.txt"] and not _leftovers(tmp_path)
