"""Every word a page, form or e-mail can show has its Chinese translation in the catalogue.

The strings are extracted from the code and templates as `make messages` does, so a string
added without its translation fails here, not in front of a Chinese-speaking customer.
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "app" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


def test_every_extracted_string_has_a_chinese_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [Path(sys.executable).with_name("pybabel"), "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(template), "."],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    with template.open("rb") as extracted, CATALOGUE.open("rb") as translated:
        wanted = {message.id for message in read_po(extracted) if message.id}
        catalogue = {message.id: message for message in read_po(translated) if message.id}
    missing = [m for m in wanted if m not in catalogue or not _translated(catalogue[m])]
    assert sorted(map(str, missing)) == []
    assert not [m.id for m in catalogue.values() if m.fuzzy]


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)
