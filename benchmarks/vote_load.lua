-- wrk script for benchmarks/vote_load.py: each request is a new (voter, statement) vote.
-- VOTE_LOAD_KEYS: file of voter keys, one a line; VOTE_LOAD_STATEMENTS: statement ids, one a
-- line; VOTE_LOAD_PATH: the votes endpoint; VOTE_LOAD_ACKS: where done() writes the
-- acknowledged "voter statement" pairs (parsed from each 200 response).
local function lines(path)
  local t = {}
  for line in io.lines(path) do
    if #line > 0 then t[#t + 1] = line end
  end
  return t
end

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  thread:set("n_threads", 0)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  keys = lines(os.getenv("VOTE_LOAD_KEYS"))
  statements = lines(os.getenv("VOTE_LOAD_STATEMENTS"))
  path = os.getenv("VOTE_LOAD_PATH")
  step = tonumber(os.getenv("VOTE_LOAD_THREADS"))
  i = id - 1
  acks = {}
  statuses = {}
  values = { "1", "-1", "0" }
end

function request()
  local voter = i % #keys
  local statement = math.floor(i / #keys) % #statements
  local value = values[(i % 3) + 1]
  i = i + step
  local body = '{"statement": ' .. statements[statement + 1] .. ', "vote": ' .. value .. '}'
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["X-Voter-Key"] = keys[voter + 1],
  }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 then
    local v, s = string.match(body, '"voter": *(%d+), *"statement": *(%d+)')
    if v then acks[#acks + 1] = v .. " " .. s end
  end
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("VOTE_LOAD_ACKS"), "w")
  for _, thread in ipairs(threads) do
    for _, pair in ipairs(thread:get("acks")) do
      out:write(pair, "\n")
    end
    for status, n in pairs(thread:get("statuses")) do
      out:write("status ", status, " ", n, "\n")
    end
  end
  out:close()
  for _, p in ipairs({ 50, 90, 95, 99 }) do
    io.write(string.format("LATENCY p%d_ms=%.3f\n", p, latency:percentile(p) / 1000.0))
  end
  io.write(string.format("REQUESTS total=%d duration_s=%.3f\n", summary.requests,
    summary.duration / 1e6))
end
