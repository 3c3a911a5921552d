-- GET /api/procurements/?search=WORD with a random word from the arguments (URL-safe words).
-- wrk -t2 -c64 -d10s --latency -s bench/wrk/search.lua http://127.0.0.1:8100 -- honey tea ...
local paths = {}

function init(args)
  for _, w in ipairs(args) do paths[#paths + 1] = "/api/procurements/?search=" .. w end
  if #paths == 0 then paths[1] = "/api/procurements/?search=honey" end
  math.randomseed(os.time())
end

request = function()
  return wrk.format("GET", paths[math.random(1, #paths)])
end
