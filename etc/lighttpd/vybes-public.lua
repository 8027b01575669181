-- Vybes API, lighttpd (mod_magnet, magnet.attract-physical-path-to): a
-- request for a public file under /api/v1/public/ (API.md 3.9), as nginx
-- answers it:
--   404 when the request target as sent has a `..' segment, encoded or
--     not (lighttpd has already decoded %2e and removed the segment, so
--     /api/v1/public/%2e%2e/public/llm.txt would otherwise name a file);
--   for another method than GET or HEAD, 405 with Allow when it names a
--     public file, else 404 (a directory or a missing file).
-- vybes.conf runs it for every such request; hidden paths never get here.
-- The 404 body comes from server.errorfile-prefix; the 405 is written
-- here, since lighttpd drops the response headers set so far (Allow) when
-- it sends an error file.

local r = lighty.r
local target = (r.req_attr["request.orig-uri"] or ""):gsub("%?.*", "")
local path = target:lower():gsub("%%2e", ".")
if (path .. "/"):find("/%.%./") then
	return 404
end
local method = r.req_attr["request.method"]
if method == "GET" or method == "HEAD" then
	return 0
end

local file = r.req_attr["physical.path"]
local st = file and lighty.c.stat(file)
if st and st.is_file then
	r.resp_header["Allow"] = "GET, HEAD"
	r.resp_header["Content-Type"] = "application/json; charset=utf-8"
	r.resp_body.set({ '{"error":"Method not allowed","code":"method_not_allowed"}\n' })
	return 405
end
return 404
