-- wrk script shared by every jogtrack benchmark scenario and by the data loader.
--
-- Configured through the environment (bench/bench.py sets it):
--   BENCH_REQUESTS   file of requests, one per line: METHOD <TAB> PATH [<TAB> JSON BODY]
--   BENCH_TOKEN      bearer token sent with every request (optional)
--   BENCH_THREADS    the -t value given to wrk (each thread needs to know its share)
--   BENCH_DELAY_MS   optional, cycle mode only: each connection waits this long before
--                    each request (a paced probe instead of a saturating load).
--   BENCH_QUOTA_DIR  optional. Unset: "cycle" mode, each thread loops over all the
--                    lines (starting at its own offset) until wrk's -d runs out.
--                    Set: "quota" mode, thread k sends lines k, k+T, k+2T, ... exactly
--                    once, then writes <dir>/done.<k>; bench.py sends wrk SIGINT when
--                    every thread is done, so wrk stops early. Connections that run out
--                    of lines meanwhile send a delayed GET /healthz marked with
--                    X-Request-Id: bench-filler (echoed by jogtrack), which is not
--                    counted as a quota answer.
-- done() prints one line "BENCH_RESULT {json}" with latency percentiles (µs), wrk's
-- error counters and, from response(), the status counts of every thread.

local threads = {}
local nthreads_seen = 0

function setup(thread)
  nthreads_seen = nthreads_seen + 1
  thread:set("id", nthreads_seen)
  table.insert(threads, thread)
end

local quota_dir = os.getenv("BENCH_QUOTA_DIR")
if quota_dir == "" then quota_dir = nil end

local function split_tab(line)
  local fields = {}
  local start = 1
  while true do
    local i = string.find(line, "\t", start, true)
    if not i then
      table.insert(fields, string.sub(line, start))
      return fields
    end
    table.insert(fields, string.sub(line, start, i - 1))
    start = i + 1
  end
end

function init(args)
  -- Globals read by done() through thread:get().
  statuses = {}
  answered = 0        -- quota answers (non-filler responses)
  fillers = 0
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local token = os.getenv("BENCH_TOKEN")
  local path = assert(os.getenv("BENCH_REQUESTS"), "BENCH_REQUESTS not set")
  local all = {}
  for line in io.lines(path) do
    if line ~= "" then table.insert(all, line) end
  end
  assert(#all > 0, "no requests in " .. path)

  local mine = {}
  if quota_dir then
    for i = id, #all, nthreads do table.insert(mine, all[i]) end
  else
    -- Every thread cycles over all lines, starting at a different offset.
    local offset = math.floor((id - 1) * #all / nthreads)
    for i = 1, #all do table.insert(mine, all[((i - 1 + offset) % #all) + 1]) end
  end

  reqs = {}
  for i, line in ipairs(mine) do
    local f = split_tab(line)
    local headers = {}
    if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
    local body = f[3]
    if body == "" then body = nil end
    if body then headers["Content-Type"] = "application/json" end
    reqs[i] = wrk.format(f[1], f[2], headers, body)
  end
  nreqs = #reqs
  nextreq = 1
  filler = wrk.format("GET", "/healthz", { ["X-Request-Id"] = "bench-filler" })
  finished = (quota_dir ~= nil and nreqs == 0)
  -- wrk calls request() once on thread 1, right after init, only to check that the
  -- script yields a valid request; that call must not use up a line.
  verifying = (id == 1)
end

local pace_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pace_ms and not quota_dir then
  function delay() return pace_ms end
end

if quota_dir then
  -- Called before every request: no wait while this thread still has lines,
  -- then slow the filler requests down to one per 20 ms per connection.
  function delay()
    if nextreq <= nreqs then return 0 end
    return 20
  end
end

function request()
  if verifying then
    verifying = false
    return reqs[1] or filler
  end
  if quota_dir then
    if nextreq > nreqs then return filler end
    local r = reqs[nextreq]
    nextreq = nextreq + 1
    return r
  end
  local r = reqs[nextreq]
  nextreq = nextreq + 1
  if nextreq > nreqs then nextreq = 1 end
  return r
end

function response(status, headers, body)
  if quota_dir and headers["X-Request-Id"] == "bench-filler" then
    fillers = fillers + 1
  else
    answered = answered + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
  if quota_dir and not finished and answered >= nreqs then
    finished = true
    local f = io.open(quota_dir .. "/done." .. id, "w")
    if f then f:write(tostring(answered)); f:close() end
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local merged = {}
  local total_answered, total_fillers = 0, 0
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      merged[status] = (merged[status] or 0) + n
    end
    total_answered = total_answered + t:get("answered")
    total_fillers = total_fillers + t:get("fillers")
  end
  local non2xx = 0
  local parts = {}
  for status, n in pairs(merged) do
    if status < 200 or status > 299 then non2xx = non2xx + n end
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "answered": %d, "fillers": %d, "duration_us": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "p999_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"non2xx": %d, "statuses": {%s}, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "status": %d}}\n',
    summary.requests, total_answered, total_fillers, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean,
    non2xx, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.timeout, e.status))
end
