// UTF-8 <-> code point conversion. The engine works on code points (uroman's offsets are
// Python string indices, i.e. code points); text enters and leaves as UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace translit {

// Decodes UTF-8; throws InputError naming the byte offset of the first invalid sequence
// (overlong forms, surrogates and values above U+10FFFF are invalid).
std::u32string decode_utf8(std::string_view text);
// The same into a reused buffer (cleared first).
void decode_utf8_into(std::string_view text, std::u32string& out);

// Appends the UTF-8 encoding of one code point.
void append_utf8(std::string& out, char32_t cp);

std::string encode_utf8(std::u32string_view text);

// Number of code points in valid UTF-8.
size_t count_code_points(std::string_view text);

// Last code point of valid UTF-8 text (0 when empty).
char32_t last_code_point(std::string_view text);

// First code point of valid UTF-8 text (0 when empty).
char32_t first_code_point(std::string_view text);

// Removes the last code point of valid UTF-8 text.
void pop_code_point(std::string& text);

}  // namespace translit
