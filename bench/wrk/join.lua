-- POST join, then POST leave for the same (buyer, procurement): every request is counted.
-- wrk -t2 -c64 -d10s --latency -s bench/wrk/join.lua -H "Authorization: Bearer KEY" \
--     http://127.0.0.1:8100 -- IDS_FILE BUYERS_FILE THREADS
--
-- wrk does not say which connection a request goes out on, so a leave is queued only when its
-- join's 201 arrives (the answer names the procurement and user), and joins walk the
-- (buyer, procurement) pairs of this thread in order: a pair comes round again only after
-- buyers × procurements joins, long after it was left. Threads have disjoint buyers.
-- Joins still waiting for their leave when the run stops stay joined: use fresh buyers per run.
-- With a fourth argument `join-only` nobody leaves: every request is a join (fresh buyers again).
local ids, buyers, queue = {}, {}, {}
local head, tail, n = 1, 0, 0
local threads_seen = 0
local leaves = true

function setup(thread)
  thread:set("tid", threads_seen)
  threads_seen = threads_seen + 1
end

function init(args)
  for id in io.lines(args[1]) do ids[#ids + 1] = id end
  local threads = tonumber(args[3]) or 2
  leaves = args[4] ~= "join-only"
  local i = 0
  for b in io.lines(args[2]) do
    if i % threads == tid then buyers[#buyers + 1] = b end
    i = i + 1
  end
  math.randomseed(os.time() + tid)
  n = math.random(0, #ids - 1) * #buyers
  wrk.headers["Content-Type"] = "application/json"
end

request = function()
  if head <= tail then
    local item = queue[head]
    queue[head] = nil
    head = head + 1
    return wrk.format("POST", "/api/procurements/" .. item[1] .. "/leave/", nil, '{"user_id":' .. item[2] .. '}')
  end
  n = n + 1
  local b = buyers[(n % #buyers) + 1]
  local p = ids[(math.floor(n / #buyers) % #ids) + 1]
  return wrk.format("POST", "/api/procurements/" .. p .. "/join/", nil, '{"user_id":' .. b .. '}')
end

response = function(status, headers, body)
  if status == 201 and leaves then
    local p = body:match('"procurement":(%d+)')
    local u = body:match('"user":(%d+)')
    if p and u then
      tail = tail + 1
      queue[tail] = { p, u }
    end
  end
end
