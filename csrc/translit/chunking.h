// Cutting a very long text into pieces whose lattices are independent, so that memory stays
// bounded by the piece size while the output stays exactly that of one lattice over the text.
//
// A cut at position b (the next piece starts at b) is safe when s[b-1] is an inert separator
// (a space, an ideographic full stop ...) and s[b-2], s[b] are plain letters. uroman's context
// reaches at most two code points left and right of a span, except through edges and numbers;
// the conditions below rule out every edge, number or context check that could cross the cut:
//  * the separator occurs in no multi-character rule source that contains a letter (a rule
//    over the cut, or ending at it and asking what follows, would include s[b-2] or s[b]); it
//    is no number, sign or fraction connector, has no decomposition or special flag, and its
//    own rules are unrestricted, without end-of-syllable variants, and their targets contain
//    no letter (so at_start_of_word(b) is true in both lattices, like at a string start);
//  * s[b-2] and s[b] are alphabetic, not numeric, not marks, not Thai (the O ANG rule reads
//    romanization backwards through empty edges), not Tibetan, not kana length or small-y marks;
//  * texts containing Braille or Tibetan (whole-string passes) are never cut.
// tests/translit/test_core_chunking.py checks chunked == unchunked on real text and fuzz input
// with a chunk size of one code point, i.e. a cut at every safe position.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "translit/data.h"

namespace translit {

// True when text may be cut at b (0 < b < text.size()).
bool safe_cut(const Data& d, std::u32string_view text, size_t b);

// Whether the text may be cut at all (no Braille, no Tibetan).
bool cuttable(const Data& d, std::u32string_view text);

// First safe cut at or after `from`, or text.size() if none.
size_t next_cut(const Data& d, std::u32string_view text, size_t from);

}  // namespace translit
