#pragma once
// The JSON shape of a record: FoxIO's Rust tool's keys and nesting first (stream, transport,
// src, dst, src_port, dst_port, ja4t, tls_server_name, ja4, ja4s, http: [{ja4h}]), then ours at
// the top level. Keys whose value is unknown are left out, as the references do.

#include <string>

#include "capture/record.h"
#include "capture/record_fields.h"

namespace fp::capture {

// One line of JSON, without the trailing newline.
[[nodiscard]] std::string to_json_line(const StreamRecord& record);
// The same line appended to `out` (a writer's reused buffer).
void append_json_line(const StreamRecord& record, std::string& out);
// The TLS client fields alone (`fingerprint hello`), one line or indented when indent > 0.
[[nodiscard]] std::string client_hello_json(const TlsClientRecord& hello, int indent);
// Indented JSON, for `--format json`.
[[nodiscard]] std::string to_json_pretty(const StreamRecord& record, int indent);
// The selected keys only (`analyze --fields`), appended to `out` (one line when indent is 0).
// False, with nothing appended, when the record has none of them beside the stream and file
// that identify it.
[[nodiscard]] bool append_json_fields(const StreamRecord& record, const FieldSelection& fields,
                                      int indent, std::string& out);

}  // namespace fp::capture
