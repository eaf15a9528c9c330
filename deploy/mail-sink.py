#!/usr/bin/env python3
"""A local SMTP sink for deploy/cluster.sh, standing in for an NGO's mail server: it accepts every message and writes
one JSON line per recipient (time, recipient, subject) to a file, never the body. Plain SMTP on loopback only, which
is what Smtp__Security=None is for.
    deploy/mail-sink.py PORT FILE"""
import datetime, email, email.policy, json, socketserver, sys

port, path = int(sys.argv[1]), sys.argv[2]


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 localhost sink")
        recipients = []
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ")[0].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb == "RCPT":
                recipients.append(line.decode(errors="replace").split(":", 1)[1].strip().strip("<>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    data += chunk
                subject = str(email.message_from_bytes(data, policy=email.policy.default)["Subject"] or "")
                with open(path, "a") as out:
                    for to in recipients:
                        out.write(json.dumps({"at": datetime.datetime.now(datetime.timezone.utc).isoformat(), "to": to, "subject": subject}) + "\n")
                recipients = []
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, MAIL, RSET, NOOP
                self.reply("250 ok")


socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("127.0.0.1", port), Session).serve_forever()
