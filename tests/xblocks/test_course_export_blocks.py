"""Every DigiReady block in an exported course (``digiready course export``) imports into the
XBlock runtime with the settings the export wrote, passes the validation Studio shows under
a component, and renders for a learner in the course's language."""
from __future__ import annotations

import tarfile

from digiready.cli.main import main
from tests.xblocks.conftest import RecordingRuntime


def test_exported_blocks_import_validate_and_render(tmp_path):
    out = tmp_path / "pe-es.tar.gz"
    assert main(["course", "export", "--economy", "pe", "--language", "es", "--out", str(out),
                 "--media-dir", str(tmp_path / "none")]) == 0
    with tarfile.open(out) as tar:
        tar.extractall(tmp_path / "olx", filter="data")
    course = tmp_path / "olx" / "course"
    files = sorted(course.glob("digiready_diagnostic/*.xml")) + sorted(course.glob("digiready_survey/*.xml"))
    assert len(files) > 10
    for path in files:
        runtime = RecordingRuntime()
        block = runtime.get_block(runtime.parse_xml_string(path.read_bytes()))
        assert block.economy == "pe" and block.language == "es", path.name
        assert block.validate().empty, (path.name, [m.text for m in block.validate().messages])
        html = block.student_view().content
        assert 'lang="es"' in html and 'class="dr-alert"' not in html, path.name
        if path.parent.name == "digiready_diagnostic":
            assert len(block.dimensions) == 1 and block.shown(block.load_pack()) == block.dimensions
        else:
            assert block.module == path.stem.removeprefix("survey_")
