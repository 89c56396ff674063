"""Layer classes whose base is defined in another module of the project, found from
the linted file's path and read statically (never imported)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

from flake8_keras_build.analysis import project
from flake8_keras_build.engine import lint
from flake8_keras_build.settings import Settings

# A layer class that overrides __call__: KLB101 on line 6 whatever the base is.
USER = """\
import keras
{imports}


class Child({base}):
    def __call__(self, x):
        return x
"""


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    project.clear_caches()
    yield
    project.clear_caches()


def make(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def findings(
    path: Path, imports: str, base: str, settings: Settings = Settings()
) -> List[Tuple[int, str]]:
    source = USER.format(imports=imports, base=base)
    return [(f.line, f.code) for f in lint(source, settings, filename=str(path))]


BASE = "import keras\n\n\nclass Base(keras.layers.Layer):\n    pass\n"


def test_absolute_import_from_the_same_package(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE})
    found = findings(tmp_path / "pkg" / "user.py", "from pkg.base import Base", "Base")
    assert found == [(6, "KLB101")]


def test_relative_imports(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/sub/__init__.py": ""})
    assert findings(tmp_path / "pkg" / "user.py", "from .base import Base", "Base") == [
        (6, "KLB101")
    ]
    user = tmp_path / "pkg" / "sub" / "user.py"
    assert findings(user, "from ..base import Base", "Base") == [(6, "KLB101")]
    assert findings(user, "from .. import base", "base.Base") == [(6, "KLB101")]


def test_reexport_through_init(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/layers/__init__.py": "from pkg.layers.blocks import Block\n",
            "pkg/layers/blocks.py": BASE.replace("Base", "Block"),
        },
    )
    # Found from any directory below the one that holds ``pkg``, nearest first.
    for user in (tmp_path / "model.py", tmp_path / "app" / "model.py"):
        assert findings(user, "from pkg import layers", "layers.Block") == [(6, "KLB101")]


def test_star_reexport_through_init(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/layers/__init__.py": "from pkg.layers.masks import *\nfrom keras.layers import *\n",
            "pkg/layers/masks.py": BASE.replace("Base", "Mask"),
        },
    )
    user = tmp_path / "pkg" / "user.py"
    assert findings(user, "from pkg import layers", "layers.Mask") == [(6, "KLB101")]
    assert findings(user, "from pkg import layers", "layers.Dense") == [(6, "KLB101")]
    assert findings(user, "from pkg import layers", "layers.Helper") == []


def test_base_three_modules_away(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import B\n\n\nclass A(B):\n    pass\n",
            "pkg/b.py": "from pkg.c import C as B\n",
            "pkg/c.py": "import tensorflow as tf\n\n\nclass C(tf.keras.Model):\n    pass\n",
        },
    )
    assert findings(tmp_path / "pkg" / "user.py", "from pkg.a import A", "A") == [(6, "KLB101")]


def test_cycle_and_missing_module_stay_unknown(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import B\n\n\nclass A(B):\n    pass\n",
            "pkg/b.py": "from pkg.a import A\n\n\nclass B(A):\n    pass\n",
            "pkg/broken.py": "class Broken(:\n",
        },
    )
    user = tmp_path / "pkg" / "user.py"
    assert findings(user, "from pkg.a import A", "A") == []
    assert findings(user, "from pkg.missing import M", "M") == []
    assert findings(user, "from pkg.broken import Broken", "Broken") == []
    assert findings(user, "from numpy import Thing", "Thing") == []


def test_plain_class_in_another_module_is_not_a_layer(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": "class Base:\n    pass\n"})
    assert findings(tmp_path / "pkg" / "user.py", "from pkg.base import Base", "Base") == []


def test_files_that_never_mention_keras_do_not_look(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE})
    source = USER.format(imports="from pkg.base import Base", base="Base").replace(
        "import keras\n", ""
    )
    assert lint(source, filename=str(tmp_path / "pkg" / "user.py")) == []


def test_option_turns_it_off(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE})
    off = Settings(cross_module=False)
    assert findings(tmp_path / "pkg" / "user.py", "from pkg.base import Base", "Base", off) == []


def test_each_base_module_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE})
    reads: List[str] = []
    real = project.ProjectModule.__init__

    def counting(self: project.ProjectModule, path: str, tree: object, data: bytes = b"") -> None:
        reads.append(path)
        real(self, path, tree, data)  # type: ignore[arg-type]

    monkeypatch.setattr(project.ProjectModule, "__init__", counting)
    for name in ("one", "two", "three"):
        assert findings(tmp_path / "pkg" / f"{name}.py", "from pkg.base import Base", "Base")
    assert reads == [str(tmp_path / "pkg" / "base.py")]
    assert project.modules_read() == set(reads)


def test_stdin_with_display_name(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE})
    source = USER.format(imports="from .base import Base", base="Base")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "flake8",
            "--isolated",
            "--select",
            "KLB",
            "--stdin-display-name=pkg/user.py",
            "-",
        ],
        input=source,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.stdout.startswith("pkg/user.py:6:5: KLB101"), result.stdout + result.stderr
    off = subprocess.run(
        [
            sys.executable,
            "-m",
            "flake8",
            "--isolated",
            "--select",
            "KLB",
            "--keras-no-cross-module",
            "--stdin-display-name=pkg/user.py",
            "-",
        ],
        input=source,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert off.stdout == "", off.stdout + off.stderr


BACKBONE = '''\
import keras


class Backbone(keras.Model):
    def __init__(self, *args, dtype=None, **kwargs):
        super().__init__(*args, dtype=dtype, **kwargs)

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Task(keras.Model):
    def __init__(self, backbone=None, **kwargs):
        super().__init__(**kwargs)
        self.backbone = backbone

    def get_config(self):
        return {**super().get_config(), "backbone": self.backbone}
'''


# A subclass that stores an argument its ancestor Task's get_config saves.
CLASSIFIER = '''\
    import keras
    from pkg.base import Task


    class Classifier(Task):
        def __init__(self, backbone=None, **kwargs):
            super().__init__(**kwargs)
            self.backbone = backbone
    '''


def codes(source: str, path: Path) -> List[Tuple[int, str]]:
    return [(f.line, f.code) for f in lint(textwrap.dedent(source), filename=str(path))]


def test_ancestor_config_keys_from_another_module(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BACKBONE})
    user = tmp_path / "pkg" / "user.py"
    missing = '''\
        import keras
        from pkg.base import Backbone


        class Net(Backbone):
            def __init__(self, depth, data_format=None, **kwargs):
                super().__init__(**kwargs)
                self.depth = depth
                self.data_format = data_format

            def get_config(self):
                config = super().get_config()
                config.update({"depth": self.depth})
                return config
        '''
    assert (11, "KLB206") in codes(missing, user)
    # The ancestor's get_config already saves ``backbone``: nothing to report.
    saved = CLASSIFIER
    assert [c for c in codes(saved, user) if c[1] == "KLB204"] == []
    # Same, against an ancestor whose get_config does not save it: reported.
    forgets = BACKBONE.replace(', "backbone": self.backbone}', "}")
    make(tmp_path, {"pkg/forgets.py": forgets})
    assert (5, "KLB204") in codes(saved.replace("pkg.base", "pkg.forgets"), user)


def test_base_read_again_in_full_when_nested_or_decorated(tmp_path: Path) -> None:
    # The cache keeps only class headers; a base's model reads the class again from
    # the module's text: under an ``if`` (indented) and behind a decorator too.
    nested = textwrap.indent(BACKBONE.replace("import keras\n", ""), "    ")
    base = "import keras\nimport typing\n\nif not typing.TYPE_CHECKING:\n" + nested.replace(
        "    class Task(", "    @keras.saving.register_keras_serializable()\n    class Task("
    )
    make(tmp_path, {"pkg/__init__.py": "", "pkg/nested.py": base})
    user = tmp_path / "pkg" / "user.py"
    saved = CLASSIFIER.replace("pkg.base", "pkg.nested")
    assert [c for c in codes(saved, user) if c[1] == "KLB204"] == []
    forgets = base.replace(', "backbone": self.backbone}', "}")
    make(tmp_path, {"pkg/forgets.py": forgets})
    project.clear_caches()
    assert (5, "KLB204") in codes(saved.replace("pkg.nested", "pkg.forgets"), user)


def test_caches_keep_facts_not_trees(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BACKBONE})
    user = tmp_path / "pkg" / "user.py"
    codes("import keras\nfrom pkg.base import Task\n\n\nclass C(Task):\n    pass\n", user)
    module = project._MODULES[str(tmp_path / "pkg" / "base.py")]
    assert module is not None
    assert all(len(node.body) == 1 for node in module.classes.values())
    (model,) = [m for m in project.FOREIGN_MODELS.values() if m is not None]
    assert model.name == "Task" and model.config is not None
    assert model.config.value is not None and "backbone" in model.config.value.keys
    assert all(method.tree is None for method in model.methods.values())
