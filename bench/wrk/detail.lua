-- GET /api/procurements/{id}/ for random ids read from a file (one id a line).
-- wrk -t2 -c64 -d10s --latency -s bench/wrk/detail.lua http://127.0.0.1:8100 -- IDS_FILE
local paths = {}

function init(args)
  for id in io.lines(args[1]) do paths[#paths + 1] = "/api/procurements/" .. id .. "/" end
  math.randomseed(os.time())
end

request = function()
  return wrk.format("GET", paths[math.random(1, #paths)])
end
