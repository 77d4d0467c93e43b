// Algorithmic romanization of precomposed Hangul syllables (U+AC00..U+D7A3), as uroman does it.
#pragma once

#include <string>

namespace translit {

std::string hangul_romanization(char32_t syllable);

}  // namespace translit
