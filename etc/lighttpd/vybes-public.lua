-- Vybes API, lighttpd (mod_magnet, magnet.attract-physical-path-to): a
-- request for /api/v1/public/ with a method other than GET or HEAD, as
-- nginx answers it: 405 with Allow when it names a public file, else 404
-- (a directory or a missing file).  vybes.conf runs it only for such
-- requests; hidden paths never get here.  The 404 body comes from
-- server.errorfile-prefix; the 405 is written here, since lighttpd drops
-- the response headers set so far (Allow) when it sends an error file.

local r = lighty.r
local path = r.req_attr["physical.path"]
local st = path and lighty.c.stat(path)
if st and st.is_file then
	r.resp_header["Allow"] = "GET, HEAD"
	r.resp_header["Content-Type"] = "application/json; charset=utf-8"
	r.resp_body.set({ '{"error":"Method not allowed","code":"method_not_allowed"}\n' })
	return 405
end
return 404
