-- wrk script: requests taken in turn from a file of "path<TAB>cookie" lines, held to a steady
-- total rate, and a JSON summary on stdout.
-- Usage: wrk -t1 -c10 -d20s --latency -s wrk_targets.lua URL -- TARGETS_FILE RATE_PER_THREAD
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } timeval;
int gettimeofday(timeval *tv, void *tz);
]]

local targets, index, interval, started, sent = {}, 0, 0, nil, 0

local function now_ms()
  local tv = ffi.new("timeval")
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

function init(args)
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]+)\t?(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    table.insert(targets, wrk.format("GET", path, headers))
  end
  interval = 1000 / tonumber(args[2])
  index = math.random(#targets)
end

-- The thread's n-th request is due at start + n × interval, whichever connection sends it.
function delay()
  started = started or now_ms()
  sent = sent + 1
  return math.max(0, started + sent * interval - now_ms())
end

function request()
  index = index % #targets + 1
  return targets[index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
