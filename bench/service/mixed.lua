-- wrk script for the soak benchmark (bench/service/soak.sh): a mix of what a deployed service
-- answers. Bodies come from SOAK_BODIES (one line each, "identify <json>" or
-- "fingerprint <json>"), taken in turn; SOAK_DELAY_MS paces every connection (wrk's delay()),
-- which is how the script holds a chosen request rate instead of wrk's maximum.
local bodies = {}
local bodies_file = assert(os.getenv("SOAK_BODIES"), "SOAK_BODIES is not set")
for line in io.lines(bodies_file) do
  local path, body = line:match("^(%S+) (.*)$")
  bodies[#bodies + 1] = { path = "/api/v1/" .. path, body = body }
end
local delay_ms = tonumber(os.getenv("SOAK_DELAY_MS") or "0")
local next_body = 0

function setup(thread)
  thread:set("offset", math.random(#bodies))
end

function request()
  next_body = (next_body + 1) % #bodies
  local b = bodies[(next_body + (offset or 0)) % #bodies + 1]
  return wrk.format("POST", b.path, { ["Content-Type"] = "application/json" }, b.body)
end

-- wrk takes whole milliseconds: the fraction is dithered so the mean delay is delay_ms.
local whole = math.floor(delay_ms)
local fraction = delay_ms - whole
function delay()
  if math.random() < fraction then
    return whole + 1
  end
  return whole
end
