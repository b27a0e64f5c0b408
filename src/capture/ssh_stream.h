#pragma once
// The capture side of SSH (ssh/session.h): hands every TCP packet of a stream to its SshSession
// and, at the end, puts JA4SSH and the SSH extras into the stream's record, counting the windows
// dropped past ssh::limits::kMaxJa4sshWindows.

#include "capture/record.h"
#include "ssh/session.h"
#include "tcp/packet.h"

namespace fp {
class JsonWriter;
}

namespace fp::capture {

struct AnalyzerCounters;

// `direction` 0 is the stream's first sender (the client).
void feed_ssh(ssh::SshSession& session, int direction, const tcp::Packet& packet);
void finish_ssh(const ssh::SshSession& session, StreamRecord& record, AnalyzerCounters& counters);

// The record's `ja4ssh` list and `ssh_extras` object with FoxIO's Rust keys (null where the
// reference writes null); nothing for a stream that is not SSH.
void write_ssh_json(JsonWriter& w, const StreamRecord& record);
// Ours: the HASSH pre-hash strings (STYLE.md 11), `hassh_algorithms`, `hassh_server_algorithms`.
void write_ssh_raw_json(JsonWriter& w, const StreamRecord& record);

}  // namespace fp::capture
