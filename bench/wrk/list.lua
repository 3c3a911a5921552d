-- GET /api/procurements/?page=K over random pages (page 1 without the parameter).
-- wrk -t2 -c64 -d10s --latency -s bench/wrk/list.lua http://127.0.0.1:8100 -- PAGES
local pages = 50
local paths = {}

function init(args)
  pages = tonumber(args[1]) or pages
  math.randomseed(os.time() * 1000 + (tid or 0))
  paths[1] = "/api/procurements/"
  for p = 2, pages do paths[p] = "/api/procurements/?page=" .. p end
end

request = function()
  return wrk.format("GET", paths[math.random(1, pages)])
end
