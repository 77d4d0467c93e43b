"""Write the trained model so that ``AutoModel.from_pretrained(OUT)`` loads it.

``save_pretrained`` writes into a temporary directory inside ``OUT``; each file is then moved
into place with ``os.replace`` (a crash never leaves a half-written ``model.safetensors``).
``align.json`` records the configuration, steps and final temperature.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any


def save_final(hf_model: Any, tokenizer: Any, out: Path, meta: dict[str, Any]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".final.", suffix=".tmp", dir=out))
    try:
        hf_model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / "align.json").write_text(
            json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        for file in sorted(tmp.iterdir()):
            if file.is_file():
                file.replace(out / file.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
