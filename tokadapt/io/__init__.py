"""Shared I/O layer: checkpoint and tokenizer readers/writers, Hugging Face directories,
safetensors, hashing and atomic outputs. Imports nothing above it (no stage, no eval)."""
