#pragma once
// Internal to the importers: source words to the vocabulary (importers_names.cc).

#include <string_view>

#include "identify/profile.h"

namespace fp::identify {

// A vocabulary client name sets name, and the family's kind and TLS library when known.
void set_family(std::string_view name, Profile& p);
// An OS word ("win10", "macOS", "android12-pixel6") sets os and os_flavor, else a note.
void set_os(std::string_view word, Profile& p);
// set_family on the lower-cased browser name (the source's word goes to `label` when it is not
// in the vocabulary) and set_os.
void set_browser_identity(std::string_view browser, std::string_view os, Profile& p);

}  // namespace fp::identify
