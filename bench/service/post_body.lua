-- wrk script: POST the JSON body read from the file named by BENCH_BODY_FILE, on every
-- request of every connection (wrk builds the request once; no per-request Lua cost).
local file = assert(io.open(assert(os.getenv("BENCH_BODY_FILE"), "BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
