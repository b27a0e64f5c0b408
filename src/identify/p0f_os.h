#pragma once
// The p0f OS of an observation's SYN: its raw_sig (Observation::p0f_signature) matched against a
// p0f database ([tcp:request], p0f_match.h), written into p0f_os, p0f_flavor, p0f_match and
// p0f_distance. Application labels (class "!", e.g. nmap) name no OS and are left out; p0f's
// "MacOS X" label is written "Mac OS X", the vocabulary's name.

#include "identify/observation.h"
#include "identify/p0f_db.h"
#include "identify/p0f_match.h"

namespace fp::identify {

[[nodiscard]] P0fMatchKind p0f_match_kind(const P0fMatch& match) noexcept;

// True when the signature matched an OS label; the observation is unchanged otherwise.
bool set_p0f_os(const P0fDatabase& db, Observation& observation);

}  // namespace fp::identify
