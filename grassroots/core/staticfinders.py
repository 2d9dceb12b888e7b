"""Serve the few front-end files we use straight out of node_modules.

npm installs them from package-lock.json; this finder exposes only the listed files (not
the 60 MB of every build ECharts ships) to runserver and collectstatic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

# static path -> path inside node_modules
VENDOR_FILES = {
    "vendor/bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.min.css.map": "bootstrap/dist/css/bootstrap.min.css.map",
    "vendor/bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "vendor/bootstrap/bootstrap.bundle.min.js.map": "bootstrap/dist/js/bootstrap.bundle.min.js.map",
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
}


class NodeModulesFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.root = Path(settings.NODE_MODULES_DIR)

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        missing = [name for name in VENDOR_FILES.values() if not (self.root / name).is_file()]
        if missing:
            return [
                Error(
                    f"Front-end files are missing from {self.root}: {', '.join(missing)}.",
                    hint="Run `npm ci` in the project folder (bin/run does it for you).",
                    id="grassroots.E001",
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        source = VENDOR_FILES.get(path)
        if source is None:
            return [] if find_all else ""
        full = str(self.root / source)
        return [full] if find_all else full

    def list(self, ignore_patterns: Any) -> Any:
        for static_path, source in VENDOR_FILES.items():
            if (self.root / source).is_file():
                yield static_path, _OneFileStorage(self.root / source, static_path)


class _OneFileStorage(FileSystemStorage):
    """Presents one node_modules file under its static path to collectstatic."""

    def __init__(self, source: Path, static_path: str) -> None:
        super().__init__(location=str(source.parent))
        self.prefix = None
        self._source = source
        self._static_path = static_path

    def path(self, name: str) -> str:
        if name == self._static_path:
            return str(self._source)
        return super().path(name)
