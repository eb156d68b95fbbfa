"""Compile translations/*.po into .mo files whenever the package is built or installed.

The .mo files are never committed; without this hook `pip install .` would ship a site that
speaks only English."""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(Path(self.root, "translations").glob("*/LC_MESSAGES/*.po")):
            with open(po_path, "rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            with open(po_path.with_suffix(".mo"), "wb") as mo_file:
                write_mo(mo_file, catalog)
