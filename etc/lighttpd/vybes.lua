-- Vybes API, lighttpd (mod_magnet, magnet.attract-response-start-to): the
-- headers and statuses of the responses lighttpd answers itself, as the
-- nginx site does them (etc/nginx/vybes-errors.conf).  Runs once per
-- response, after the status and the body are known and before the
-- response header is sent.
--
-- vybes-api's own responses always carry X-Request-Id (API.md 1.3): a
-- response that has one is passed through untouched.  Every other
-- response was made by lighttpd (its errors from server.errorfile-prefix,
-- the static files of /api/v1/public/) and gets:
--   X-Request-Id: the client's when 1..128 printable ASCII, else a new one;
--   X-Content-Type-Options: nosniff (setenv misses e.g. the 413 answered
--     while the request is read);
--   when no FastCGI backend answered (lighttpd: 503 socket missing or
--     refused, 504 timeout, 502 or 500 connection dropped without a
--     response), 503 `unavailable` with Retry-After, like vybes-api's own.
-- Uses the lighty.r/lighty.c API (lighttpd >= 1.4.65); tested with 1.4.69.

local r = lighty.r
local resp = r.resp_header

if resp["X-Request-Id"] then
	return 0
end

local rid = r.req_header["X-Request-Id"]
-- lighttpd joins repeated request headers with ", " (nginx takes the
-- first); the joined value is used if it passes the same check.
if not rid or #rid < 1 or #rid > 128 or rid:find("[^\32-\126]") then
	local c = lighty.c
	rid = string.format("%08x%08x%08x%08x",
		c.rand() & 0xffffffff, c.rand() & 0xffffffff,
		c.rand() & 0xffffffff, c.rand() & 0xffffffff)
end
resp["X-Request-Id"] = rid
resp["X-Content-Type-Options"] = "nosniff"

-- The routes vybes.conf sends to vybes-api (fastcgi.server).
local function backend_route(path)
	if path:find("^/api/v1/") then
		return not path:find("^/api/v1/public/")
	end
	return path:find("^/health/?$") or path:find("^/health/ready/?$")
end

local status = r.req_item.http_status
if status == 502 or status == 503 or status == 504 or (status == 500
    and backend_route(r.req_attr["uri.path"] or "")) then
	resp["Retry-After"] = "5"
	resp["Content-Type"] = "application/json; charset=utf-8"
	r.resp_body.set({ '{"error":"Service unavailable","code":"unavailable"}\n' })
	return 503
end
return 0
