-- wrk script: each request asks for a random case among CASES (environment), keeping the
-- rest of the path (e.g. /v1/cases/1/arrears -> /v1/cases/73412/arrears).
local cases = tonumber(os.getenv("CASES") or "100000")
local suffix = ""
init = function(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end
request = function()
  local path = wrk.path
  suffix = path:match("^/v1/cases/%d+(.*)$") or ""
  return wrk.format(nil, "/v1/cases/" .. math.random(1, cases) .. suffix)
end
