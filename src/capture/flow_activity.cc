// FlowTable's live-capture part (flow_table.h): flows in order of their last packet, idle
// expiry and the budget of buffered bytes. Only a table that track_activity() was called on
// does any of this; `analyze` never does, so its output and speed are unchanged.
#include "capture/counters.h"
#include "capture/flow_table.h"

#include <iterator>

namespace fp::capture {

void FlowTable::track_activity(uint64_t max_buffered_bytes) {
  tracking_ = true;
  max_buffered_bytes_ = max_buffered_bytes;
}

// The flow moves to the front: the activity list stays sorted by last packet as long as
// packets come in time order (a live capture's do, up to the kernel's reordering of a few us).
void FlowTable::touch(Flow& flow, int64_t timestamp_us) {
  flow.last_seen_us = timestamp_us;
  if (flow.activity) {
    activity_.splice(activity_.begin(), activity_, *flow.activity);
  } else {
    activity_.push_front(flow.key);
    flow.activity = activity_.begin();
  }
}

void FlowTable::forget_activity(Flow& flow) {
  if (flow.activity) {
    activity_.erase(*flow.activity);
    flow.activity.reset();
  }
  buffered_total_ -= flow.buffered_bytes;
  flow.buffered_bytes = 0;
}

void FlowTable::note_buffered(Flow& flow, uint64_t bytes, AnalyzerCounters& counters) {
  if (!tracking_ || flow.closed) return;
  buffered_total_ = buffered_total_ - flow.buffered_bytes + bytes;
  flow.buffered_bytes = bytes;
  if (max_buffered_bytes_ == 0) return;
  // Closing a flow fingerprints what it holds: over budget, the oldest flows are emitted
  // early rather than dropped, and their memory comes back.
  // Flows that buffer nothing (done, or not started) are passed over: closing them frees none.
  auto newer = activity_.end();
  while (buffered_total_ > max_buffered_bytes_ && newer != activity_.begin()) {
    const auto candidate = std::prev(newer);
    Flow& f = flows_.find(*candidate)->second.flow;
    if (f.buffered_bytes == 0) {
      newer = candidate;
      continue;
    }
    close(f, counters);  // erases `candidate` only: `newer` stays valid
    ++counters.flows_evicted_bytes;
  }
}

void FlowTable::expire_idle(int64_t cutoff_us, AnalyzerCounters& counters) {
  while (!activity_.empty()) {
    Flow& oldest = flows_.find(activity_.back())->second.flow;
    if (oldest.last_seen_us >= cutoff_us) return;
    close(oldest, counters);
    ++counters.idle_expired;
  }
}

}  // namespace fp::capture
