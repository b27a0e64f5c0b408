#include "cli/record_writer.h"

#include <algorithm>
#include <vector>

#include "capture/record_json.h"
#include "cli/table.h"

namespace fp::cli {
namespace {

class JsonLinesWriter final : public RecordWriter {
 public:
  JsonLinesWriter(std::FILE* out, const capture::FieldSelection* fields)
      : out_(out), fields_(fields) {}
  void write(capture::StreamRecord&& record) override {
    line_.clear();  // one buffer for every line: no allocation per record once it has grown
    if (fields_) {
      if (!capture::append_json_fields(record, *fields_, 0, line_)) return;
    } else {
      capture::append_json_line(record, line_);
    }
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), out_);
  }
  void finish() override { std::fflush(out_); }

 private:
  std::FILE* out_;
  const capture::FieldSelection* fields_;
  std::string line_;
};

// Keeps records to sort them: the array and the table are read by people, in stream order.
class SortedWriter : public RecordWriter {
 public:
  void write(capture::StreamRecord&& record) override { records_.push_back(std::move(record)); }
  void finish() override {
    std::stable_sort(records_.begin(), records_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.file, a.transport, a.stream) < std::tie(b.file, b.transport, b.stream);
    });
    emit(records_);
  }

 protected:
  virtual void emit(const std::vector<capture::StreamRecord>& records) = 0;

 private:
  std::vector<capture::StreamRecord> records_;
};

class JsonArrayWriter final : public SortedWriter {
 public:
  JsonArrayWriter(std::FILE* out, const capture::FieldSelection* fields)
      : out_(out), fields_(fields) {}

 private:
  void emit(const std::vector<capture::StreamRecord>& records) override {
    std::fputs("[", out_);
    bool first = true;
    for (const capture::StreamRecord& record : records) {
      std::string text;
      if (fields_) {
        if (!capture::append_json_fields(record, *fields_, 2, text)) continue;
      } else {
        text = capture::to_json_pretty(record, 2);
      }
      std::fputs(first ? "\n  " : ",\n  ", out_);
      std::fputs(text.c_str(), out_);
      first = false;
    }
    std::fputs(first ? "]\n" : "\n]\n", out_);
    std::fflush(out_);
  }
  std::FILE* out_;
  const capture::FieldSelection* fields_;
};

class TableWriter final : public SortedWriter {
 public:
  explicit TableWriter(std::FILE* out) : out_(out) {}

 private:
  void emit(const std::vector<capture::StreamRecord>& records) override {
    std::fputs(render_table(records).c_str(), out_);
    std::fflush(out_);
  }
  std::FILE* out_;
};

}  // namespace

std::unique_ptr<RecordWriter> make_record_writer(const std::string& format, std::FILE* out,
                                                 const capture::FieldSelection* fields) {
  if (format == "jsonl") return std::make_unique<JsonLinesWriter>(out, fields);
  if (format == "json") return std::make_unique<JsonArrayWriter>(out, fields);
  if (format == "table") return std::make_unique<TableWriter>(out);
  return nullptr;
}

}  // namespace fp::cli
