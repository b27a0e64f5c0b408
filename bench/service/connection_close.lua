-- wrk script: "Connection: close" on every request, so that every request opens a new
-- connection (and, over https, makes a full TLS handshake: wrk keeps no session to resume).
-- `wrk -H` needs "Name: value" with the space; a header in a script avoids that trap.
wrk.headers["Connection"] = "close"
