"""Where settings come from: flags win over TENANTMAP_* variables, which win over the TOML file.

Click already orders command line > environment > ``default_map`` > default; the
TOML file becomes the ``default_map`` of the command being run, so one rule
serves every command.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Any

import platformdirs

from tenantmap.exitcodes import TenantmapError

ENV_PREFIX = "TENANTMAP_"


def env_name(option: str) -> str:
    """`--state-dir` -> `TENANTMAP_STATE_DIR`."""
    return ENV_PREFIX + option.lstrip("-").replace("-", "_").upper()


def load_config_file(path: Path) -> dict[str, Any]:
    """Read a tenantmap.toml into click parameter names (dashes become underscores).

    Keys may sit at the top level (every command) or in a table named after a
    command (`[run]`), which wins for that command.
    """
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise TenantmapError(f"config file {path} does not exist: fix --config") from None
    except tomllib.TOMLDecodeError as exc:
        raise TenantmapError(f"config file {path} is not valid TOML: {exc}") from None
    return {str(k).replace("-", "_"): v for k, v in doc.items()}


def _spelt(key: str) -> str:
    return key.replace("_", "-")


def _unknown(what: str, key: str, candidates: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(candidates), n=1, cutoff=0.6)
    hint = f' (did you mean "{_spelt(close[0])}"?)' if close else ""
    return f'unknown {what} "{_spelt(key)}"{hint}'


def check_config_keys(doc: dict[str, Any], known: dict[str, set[str]], path: Path) -> None:
    """Refuse keys no command reads: a misspelt `concurency = 4` would otherwise be
    silently ignored and the nightly job run with the default.

    ``known`` maps each command name to the option names it takes (underscored);
    top-level keys may be any command's, a `[command]` table's only that command's.
    """
    anywhere = set().union(*known.values()) if known else set()
    problems: list[str] = []
    for key, value in doc.items():
        if isinstance(value, dict):
            if key not in known:
                problems.append(_unknown("table", key, set(known)))
                continue
            for inner in value:
                name = str(inner).replace("-", "_")
                if name not in known[key]:
                    problems.append(_unknown(f"key in [{key}]", name, known[key]))
        elif key not in anywhere:
            problems.append(_unknown("key", key, anywhere))
    if problems:
        raise TenantmapError(f"config file {path}: " + "; ".join(problems))


def defaults_for(command: str, doc: dict[str, Any]) -> dict[str, Any]:
    merged = {k: v for k, v in doc.items() if not isinstance(v, dict)}
    section = doc.get(command)
    if isinstance(section, dict):
        merged.update({str(k).replace("-", "_"): v for k, v in section.items()})
    return merged


def default_state_dir() -> Path:
    return Path(platformdirs.user_data_dir("tenantmap", appauthor=False))


def resolve_state_dir(value: str | os.PathLike[str] | None) -> Path:
    path = Path(value) if value else default_state_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TenantmapError(f"cannot create the state folder {path}: {exc.strerror}") from None
    return path


def default_store_url(state_dir: Path) -> str:
    # An absolute path after "sqlite:///" gives SQLAlchemy's four-slash form.
    return f"sqlite:///{(state_dir / 'tenantmap.db').resolve()}"
