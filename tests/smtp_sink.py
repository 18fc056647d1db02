"""A minimal SMTP sink for the tests: accepts every message on 127.0.0.1 and
writes each to DIR/NNNN.eml.  Usage: smtp_sink.py PORT DIR.  Standard
library only (no aiosmtpd needed), one connection at a time."""
import os
import socketserver
import sys

port, outdir = int(sys.argv[1]), sys.argv[2]
os.makedirs(outdir, exist_ok=True)
count = [0]


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 sink ESMTP")
        rcpt = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                rcpt = []
                self.reply("250 ok")
            elif verb == "RCPT":
                rcpt.append(cmd.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                data = []
                while True:
                    l = self.rfile.readline()
                    if not l or l == b".\r\n":
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    data.append(l)
                count[0] += 1
                path = os.path.join(outdir, "%04d.eml" % count[0])
                with open(path + ".tmp", "wb") as f:
                    f.write(("X-Rcpt: %s\r\n" % ",".join(rcpt)).encode())
                    f.write(b"".join(data))
                os.rename(path + ".tmp", path)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


socketserver.TCPServer.allow_reuse_address = True
with socketserver.TCPServer(("127.0.0.1", port), Handler) as srv:
    open(os.path.join(outdir, ".ready"), "w").close()
    srv.serve_forever()
