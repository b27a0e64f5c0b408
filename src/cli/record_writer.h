#pragma once
// Writes analyze records to stdout as JSON lines (as they come), a JSON array, or a table for a
// terminal. JSON lines stream; the array and the table sort records by stream first.

#include <cstdio>
#include <memory>
#include <string>

#include "capture/record.h"
#include "capture/record_fields.h"

namespace fp::cli {

class RecordWriter {
 public:
  virtual ~RecordWriter() = default;
  virtual void write(capture::StreamRecord&& record) = 0;
  virtual void finish() = 0;
};

// nullptr for an unknown format name. With `fields` (`--fields`; jsonl and json only, and it
// outlives the writer) only those keys are written, and records with none of them are left out.
[[nodiscard]] std::unique_ptr<RecordWriter> make_record_writer(
    const std::string& format, std::FILE* out, const capture::FieldSelection* fields = nullptr);

}  // namespace fp::cli
